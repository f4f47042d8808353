/*
 * rootfs.c - PID-1 duties before serving: /crumble/config, and the building
 * of the container root (steps 1-6 of "Building the root" in
 * docs/agent-protocol.md; listening and READY are main.c and ready.c).
 *
 *   1. devtmpfs on /dev, proc on /proc (in the initramfs), console opened.
 *   2. tmpfs on /stage; /dev and /proc moved into it; the stage moved onto /
 *      and chroot'ed into (pivot_root(2) refuses to move the initramfs,
 *      which has no parent mount; a mount on top of it works - the
 *      switch_root technique).
 *   3. root device read-only at /lower, tmpfs (size=upper_size) at /rw with
 *      upper/ and work/, overlay at /root.
 *   4. chdir /root, pivot_root(".", "."), umount2(".", MNT_DETACH), chdir /
 *      (the sequence documented in pivot_root(2)); the stage is gone, the
 *      overlay keeps its own references to /lower and /rw.
 *   5. proc, sysfs, devtmpfs, devpts (newinstance), /dev/ptmx -> pts/ptmx,
 *      /dev/shm, /run, /dev/fd and /dev/std{in,out,err}.
 *   6. sethostname, loopback up.
 *
 * Any failure: fatal() prints `crumble-agent: fatal: <what>: <errno text>`
 * on the console and resets the VM. Man pages: mount(2), umount2(2),
 * pivot_root(2), chroot(2), sethostname(2), netdevice(7); kernel docs:
 * filesystems/overlayfs.rst, filesystems/devpts.rst.
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- configuration ---- */

void config_defaults(struct agent_config *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->hostname, "crumble");
    strcpy(c->root_device, "/dev/vda");
    strcpy(c->root_fstype, "erofs");
    strcpy(c->upper_size, "50%");
    c->agent_port = 1024;
    c->ready_port = 1025;
}

static int set_str(char *dst, size_t cap, const char *key, const char *v)
{
    if (strlen(v) >= cap) {
        agent_log("warning: config: %s is too long, ignored", key);
        return -1;
    }
    strcpy(dst, v);
    return 0;
}

static void set_port(unsigned *dst, const char *key, const char *v)
{
    char *end;
    errno = 0;
    unsigned long p = strtoul(v, &end, 10);
    if (errno || end == v || *end || p > 0xFFFFFFFEul || v[0] == '-')
        agent_log("warning: config: %s=%s is not a port, ignored", key, v);
    else
        *dst = (unsigned)p;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

int config_load(const char *path, struct agent_config *c)
{
    static char buf[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        if (len == sizeof buf - 1)
            break;   /* larger than any sane config: the rest is ignored */
    }
    close(fd);
    buf[len] = 0;
    for (char *line = buf, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *eq = strchr(line, '=');
        if (!eq || line[0] == '#')
            continue;
        *eq = 0;
        char *k = trim(line), *v = trim(eq + 1);
        if (!strcmp(k, "hostname"))
            set_str(c->hostname, sizeof c->hostname, k, v);
        else if (!strcmp(k, "root_device"))
            set_str(c->root_device, sizeof c->root_device, k, v);
        else if (!strcmp(k, "root_fstype"))
            set_str(c->root_fstype, sizeof c->root_fstype, k, v);
        else if (!strcmp(k, "upper_size"))
            set_str(c->upper_size, sizeof c->upper_size, k, v);
        else if (!strcmp(k, "agent_port"))
            set_port(&c->agent_port, k, v);
        else if (!strcmp(k, "ready_port"))
            set_port(&c->ready_port, k, v);
        else if (!strcmp(k, "debug_listen_unix"))
            set_str(c->debug_listen_unix, sizeof c->debug_listen_unix, k, v);
        /* unknown keys are ignored */
    }
    return 0;
}

/* ---- building the root ---- */

__attribute__((noreturn, format(printf, 2, 3))) static void die(int err, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    fatal(what, err);
}

static void mkdir_or_die(const char *p, mode_t m)
{
    if (mkdir(p, m) < 0 && errno != EEXIST)
        die(errno, "mkdir %s", p);
}

static void mount_or_die(const char *src, const char *dst, const char *type, unsigned long flags,
                         const char *data)
{
    if (mount(src, dst, type, flags, data) < 0)
        die(errno, "mount %s on %s", type ? type : src, dst);
}

/* The root device normally exists before /init runs (virtio-blk probes
 * synchronously); allow a moment in case it appears late. */
static void mount_root_device(const struct agent_config *c)
{
    for (int i = 0;; i++) {
        if (mount(c->root_device, "/lower", c->root_fstype, MS_RDONLY, NULL) == 0)
            return;
        if ((errno != ENOENT && errno != ENXIO) || i >= 100)
            die(errno, "mount %s (%s) on /lower", c->root_device, c->root_fstype);
        sleep_ms(20);
    }
}

static void symlink_soft(const char *target, const char *link)
{
    if (symlink(target, link) < 0 && errno != EEXIST)
        die(errno, "symlink %s", link);
}

static void loopback_up(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        agent_log("warning: loopback: %s", strerror(errno));
    } else {
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
            agent_log("warning: loopback up: %s", strerror(errno));
    }
    if (s >= 0)
        close(s);
}

void rootfs_build(const struct agent_config *c)
{
    /* 1. In the initramfs. devtmpfs may already be there (EBUSY). */
    mkdir("/dev", 0755);
    if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") < 0 && errno != EBUSY)
        die(errno, "mount devtmpfs on /dev");
    sys_open_console();   /* fds 0-2 if the initramfs had no /dev/console */
    sys_ensure_stdio();
    mkdir_or_die("/proc", 0555);
    mount_or_die("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);

    /* 2. The stage: a mount on top of rootfs, which pivot_root accepts. /dev
     * moves along because step 3 needs the root device node. */
    mkdir_or_die("/stage", 0755);
    mount_or_die("tmpfs", "/stage", "tmpfs", 0, "mode=0755");
    mkdir_or_die("/stage/dev", 0755);
    mkdir_or_die("/stage/proc", 0555);
    mount_or_die("/dev", "/stage/dev", NULL, MS_MOVE, NULL);
    mount_or_die("/proc", "/stage/proc", NULL, MS_MOVE, NULL);
    if (chdir("/stage") < 0)
        die(errno, "chdir /stage");
    mount_or_die(".", "/", NULL, MS_MOVE, NULL);
    if (chroot(".") < 0)
        die(errno, "chroot /stage");
    if (chdir("/") < 0)
        die(errno, "chdir /");

    /* 3. Lower, upper, overlay. */
    mkdir_or_die("/lower", 0755);
    mkdir_or_die("/rw", 0755);
    mkdir_or_die("/root", 0755);
    mount_root_device(c);
    for (const char *p = c->upper_size; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '%'))
            die(EINVAL, "upper_size \"%s\"", c->upper_size);
    char opts[128];
    snprintf(opts, sizeof opts, "size=%s,mode=0755", c->upper_size);
    mount_or_die("tmpfs", "/rw", "tmpfs", 0, opts);
    mkdir_or_die("/rw/upper", 0755);
    mkdir_or_die("/rw/work", 0755);
    struct stat st;   /* the merged root takes the upper dir's owner and mode */
    if (stat("/lower", &st) == 0) {
        if (chown("/rw/upper", st.st_uid, st.st_gid) < 0)
            die(errno, "chown /rw/upper");
        if (chmod("/rw/upper", st.st_mode & 07777) < 0)
            die(errno, "chmod /rw/upper");
    }
    mount_or_die("overlay", "/root", "overlay", 0, "lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work");

    /* 4. The overlay becomes the root; the stage is detached. */
    if (chdir("/root") < 0)
        die(errno, "chdir /root");
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        die(errno, "pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
        die(errno, "umount the stage");
    if (chdir("/") < 0)
        die(errno, "chdir /");

    /* 5. The container's kernel filesystems. */
    mkdir_or_die("/proc", 0555);
    mount_or_die("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mkdir_or_die("/sys", 0555);
    mount_or_die("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mkdir_or_die("/dev", 0755);
    mount_or_die("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    mkdir_or_die("/dev/pts", 0755);
    mount_or_die("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620,gid=5");
    if (unlink("/dev/ptmx") < 0 && errno != ENOENT)
        die(errno, "unlink /dev/ptmx");
    symlink_soft("pts/ptmx", "/dev/ptmx");
    mkdir_or_die("/dev/shm", 01777);
    mount_or_die("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    mkdir_or_die("/run", 0755);
    mount_or_die("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755");
    symlink_soft("/proc/self/fd", "/dev/fd");
    symlink_soft("/proc/self/fd/0", "/dev/stdin");
    symlink_soft("/proc/self/fd/1", "/dev/stdout");
    symlink_soft("/proc/self/fd/2", "/dev/stderr");

    /* 6. Identity and loopback; listening and READY follow in main.c. */
    if (c->hostname[0] && sethostname(c->hostname, strlen(c->hostname)) < 0)
        die(errno, "sethostname %s", c->hostname);
    loopback_up();
}
