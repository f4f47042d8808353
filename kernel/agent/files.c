/*
 * files.c - the file and control requests of a file/control connection:
 * STAT .. SYNC, KILL, SHUTDOWN, and the connection's handle table (at most
 * MAX_HANDLES open files; they close with the connection, i.e. when this
 * process exits).
 *
 * Spec: docs/agent-protocol.md, "Types" (0x0020-0x0050), "Open flags",
 * "Stat". Every request gets exactly one reply: the named one or ERROR with
 * the errno of the failing call and a message naming the call and the path.
 * A body that does not match its fields is a protocol error (-1); a string
 * with a NUL inside, a relative path or an out-of-range value is EINVAL.
 * Man pages: stat(2), getdents64(2)/readdir(3), open(2), pread(2), pwrite(2),
 * ftruncate(2), fsync(2), mkdir(2), unlink(2), rmdir(2), rename(2)
 * (RENAME_NOREPLACE), symlink(2), readlink(2), link(2), chmod(2), chown(2),
 * utimensat(2) (UTIME_OMIT), access(2), realpath(3), statfs(2), truncate(2),
 * sync(2), kill(2).
 */
#define _GNU_SOURCE
#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define DIR_CHUNK   (64u * 1024u)   /* DIR_ENTRIES body size that triggers a send */
#define RENAME_NOREPLACE_ (1u << 0) /* linux/fs.h */

#define OF_READ 0x1u
#define OF_WRITE 0x2u
#define OF_CREATE 0x4u
#define OF_EXCL 0x8u
#define OF_TRUNCATE 0x10u
#define OF_APPEND 0x20u
#define OF_NOFOLLOW 0x40u
#define OF_SYNC 0x80u
#define OF_DSYNC 0x100u
#define OF_DIRECTORY 0x200u
#define OF_ALL 0x3FFu

static int h_fd[MAX_HANDLES];
static unsigned char h_append[MAX_HANDLES];

void files_init(void)
{
    for (int i = 0; i < MAX_HANDLES; i++)
        h_fd[i] = -1;
}

/* Handles are 1 .. MAX_HANDLES (index + 1). */
static int handle_fd(uint32_t h)
{
    if (h == 0 || h > MAX_HANDLES)
        return -1;
    return h_fd[h - 1];
}

/* ---- replies ---- */
static void body(struct obuf *o) { ob_init(o, g_out + FRAME_HDR, MAX_BODY); }

static int send_body(int fd, uint16_t type, const struct obuf *o)
{
    wire_hdr(g_out, (uint32_t)o->len, type);
    return write_full(fd, g_out, FRAME_HDR + o->len) < 0 ? -2 : 0;
}

static int ok(int fd) { return wire_send_ok(fd) < 0 ? -2 : 0; }

__attribute__((format(printf, 3, 4)))
static int fail(int fd, int err, const char *fmt, ...)
{
    char m[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    return wire_send_error(fd, err, "%s", m) < 0 ? -2 : 0;
}

/* ERROR for a failed call on a path: "open /etc/x: No such file or directory". */
static int fail_call(int fd, const char *call, const char *path)
{
    int e = errno;
    return fail(fd, e, "%s %s: %s", call, path, strerror(e));
}

static int fail_handle(int fd, const char *call, uint32_t h)
{
    int e = errno;
    return fail(fd, e, "%s handle %u: %s", call, h, strerror(e));
}

static void put_time(struct obuf *o, const struct timespec *t)
{
    ob_u64(o, (uint64_t)(int64_t)t->tv_sec);
    ob_u32(o, (uint32_t)t->tv_nsec);
}

static int stat_reply(int fd, const struct stat *st)
{
    struct obuf o;
    body(&o);
    ob_u32(&o, st->st_mode);
    ob_u32(&o, st->st_uid);
    ob_u32(&o, st->st_gid);
    ob_u32(&o, st->st_nlink > UINT32_MAX ? UINT32_MAX : (uint32_t)st->st_nlink);
    ob_u64(&o, (uint64_t)st->st_size);
    ob_u64(&o, (uint64_t)st->st_ino);
    ob_u64(&o, (uint64_t)st->st_dev);
    put_time(&o, &st->st_atim);
    put_time(&o, &st->st_mtim);
    put_time(&o, &st->st_ctim);
    ob_u64(&o, (uint64_t)st->st_blocks);
    return send_body(fd, T_STAT_REPLY, &o);
}

static int path_reply(int fd, const char *p)
{
    struct obuf o;
    body(&o);
    ob_str(&o, p, strlen(p));
    return send_body(fd, T_PATH_REPLY, &o);
}

/* ---- requests ---- */

/* Common checks after the fields are parsed: the body matched exactly
 * (else -1, protocol error), no NUL inside a string, absolute paths. The
 * return value is 1 to go on, or what files_request must return. */
struct req {
    int fd;
    const char *name;     /* request name for messages */
    struct cursor *c;
    char *msg;
    size_t msglen;
};

static int check(struct req *r, int res[1])
{
    if (!cur_end(r->c)) {
        snprintf(r->msg, r->msglen, "%s: malformed body of %zu bytes", r->name, r->c->len);
        res[0] = -1;
        return 0;
    }
    if (r->c->nul) {
        res[0] = fail(r->fd, EINVAL, "%s: string contains a NUL byte", r->name);
        return 0;
    }
    return 1;
}

static int absolute(struct req *r, const char *call, const char *path, int res[1])
{
    if (path[0] == '/')
        return 1;
    res[0] = fail(r->fd, EINVAL, "%s %s: path is not absolute", call, path);
    return 0;
}

#define CHECK() do { if (!check(r, res)) return res[0]; } while (0)
#define ABS(call, p) do { if (!absolute(r, call, p, res)) return res[0]; } while (0)

static int do_stat(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint8_t follow = cur_u8(r->c);
    CHECK();
    ABS(follow ? "stat" : "lstat", path);
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0)
        return fail_call(r->fd, follow ? "stat" : "lstat", path);
    return stat_reply(r->fd, &st);
}

static int send_entries(int fd, struct obuf *o, uint32_t count)
{
    st32(g_out + FRAME_HDR, count);
    return send_body(fd, T_DIR_ENTRIES, o);
}

static int do_readdir(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    CHECK();
    ABS("opendir", path);
    DIR *d = opendir(path);
    if (!d)
        return fail_call(r->fd, "opendir", path);
    struct obuf o;
    body(&o);
    ob_u32(&o, 0);
    uint32_t count = 0;
    int rc = 0;
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) {
                rc = fail_call(r->fd, "readdir", path);
                goto out;
            }
            break;
        }
        const char *n = e->d_name;
        if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0)))
            continue;
        size_t nl = strlen(n);
        unsigned char t = e->d_type;
        if (t == DT_UNKNOWN) {   /* filesystems may leave it to the reader */
            struct stat st;
            if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) == 0)
                t = (unsigned char)IFTODT(st.st_mode);
        }
        if (count > 0 && o.len + 5 + nl > DIR_CHUNK) {
            if ((rc = send_entries(r->fd, &o, count)) < 0)
                goto out;
            body(&o);
            ob_u32(&o, 0);
            count = 0;
        }
        ob_u8(&o, t);
        ob_str(&o, n, nl);
        count++;
    }
    if (count > 0 && (rc = send_entries(r->fd, &o, count)) < 0)
        goto out;
    rc = wire_send(r->fd, T_DIR_END, NULL, 0) < 0 ? -2 : 0;
out:
    closedir(d);
    return rc;
}

static int do_open(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint32_t flags = cur_u32(r->c);
    uint32_t mode = cur_u32(r->c);
    CHECK();
    ABS("open", path);
    if (flags & ~OF_ALL)
        return fail(r->fd, EINVAL, "open %s: unknown open flags 0x%x", path, flags & ~OF_ALL);
    int of = O_CLOEXEC | O_NOCTTY;
    if ((flags & OF_READ) && (flags & OF_WRITE))
        of |= O_RDWR;
    else if (flags & OF_WRITE)
        of |= O_WRONLY;
    else
        of |= O_RDONLY;
    if (flags & OF_CREATE) {
        of |= O_CREAT;
        if (flags & OF_EXCL)
            of |= O_EXCL;
    }
    if (flags & OF_TRUNCATE) of |= O_TRUNC;
    if (flags & OF_APPEND) of |= O_APPEND;
    if (flags & OF_NOFOLLOW) of |= O_NOFOLLOW;
    if (flags & OF_SYNC) of |= O_SYNC;
    if (flags & OF_DSYNC) of |= O_DSYNC;
    if (flags & OF_DIRECTORY) of |= O_DIRECTORY;
    int slot = -1;
    for (int i = 0; i < MAX_HANDLES; i++)
        if (h_fd[i] < 0) {
            slot = i;
            break;
        }
    if (slot < 0)
        return fail(r->fd, EMFILE, "open %s: %d handles are open on this connection", path, MAX_HANDLES);
    int f = open(path, of, (mode_t)(mode & 07777));
    if (f < 0)
        return fail_call(r->fd, "open", path);
    h_fd[slot] = f;
    h_append[slot] = (flags & OF_APPEND) != 0;
    struct obuf o;
    body(&o);
    ob_u32(&o, (uint32_t)slot + 1);
    return send_body(r->fd, T_HANDLE, &o);
}

/* Parses nothing; resolves a handle or answers EBADF. */
static int get_fd(struct req *r, const char *call, uint32_t h, int res[1])
{
    int f = handle_fd(h);
    if (f < 0) {
        errno = EBADF;
        res[0] = fail_handle(r->fd, call, h);
    }
    return f;
}

#define GET_FD(var, call, h) int var = get_fd(r, call, h, res); if (var < 0) return res[0]

static int do_pread(struct req *r)
{
    int res[1];
    uint32_t h = cur_u32(r->c);
    uint64_t off = cur_u64(r->c);
    uint32_t len = cur_u32(r->c);
    CHECK();
    GET_FD(f, "pread", h);
    if (len > MAX_IO)
        return fail(r->fd, EINVAL, "pread handle %u: length %u exceeds %u", h, len, MAX_IO);
    if (off > INT64_MAX)
        return fail(r->fd, EINVAL, "pread handle %u: offset %llu out of range", h, (unsigned long long)off);
    unsigned char *b = g_out + FRAME_HDR;
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(f, b + got, len - got, (off_t)(off + got));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail_handle(r->fd, "pread", h);
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    struct obuf o;
    body(&o);
    o.len = got;
    return send_body(r->fd, T_DATA_REPLY, &o);
}

static int do_pwrite(struct req *r)
{
    int res[1];
    uint32_t h = cur_u32(r->c);
    uint64_t off = cur_u64(r->c);
    size_t len;
    unsigned char *data = cur_rest(r->c, &len);
    CHECK();
    GET_FD(f, "pwrite", h);
    if (len > MAX_IO)
        return fail(r->fd, EINVAL, "pwrite handle %u: %zu bytes exceed %u", h, len, MAX_IO);
    if (off > INT64_MAX)
        return fail(r->fd, EINVAL, "pwrite handle %u: offset %llu out of range", h, (unsigned long long)off);
    int app = h_append[h - 1];
    size_t done = 0;
    while (done < len) {
        ssize_t n = app ? write(f, data + done, len - done)
                        : pwrite(f, data + done, len - done, (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (done > 0)
                break;   /* report what was written; the next call reports the error */
            return fail_handle(r->fd, app ? "write" : "pwrite", h);
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    struct obuf o;
    body(&o);
    ob_u64(&o, done);
    return send_body(r->fd, T_COUNT, &o);
}

static int do_fstat(struct req *r)
{
    int res[1];
    uint32_t h = cur_u32(r->c);
    CHECK();
    GET_FD(f, "fstat", h);
    struct stat st;
    if (fstat(f, &st) < 0)
        return fail_handle(r->fd, "fstat", h);
    return stat_reply(r->fd, &st);
}

static int do_ftruncate(struct req *r)
{
    int res[1];
    uint32_t h = cur_u32(r->c);
    uint64_t size = cur_u64(r->c);
    CHECK();
    GET_FD(f, "ftruncate", h);
    if (size > INT64_MAX)
        return fail(r->fd, EINVAL, "ftruncate handle %u: size %llu out of range", h, (unsigned long long)size);
    if (ftruncate(f, (off_t)size) < 0)
        return fail_handle(r->fd, "ftruncate", h);
    return ok(r->fd);
}

static int do_fsync(struct req *r)
{
    int res[1];
    uint32_t h = cur_u32(r->c);
    CHECK();
    GET_FD(f, "fsync", h);
    if (fsync(f) < 0)
        return fail_handle(r->fd, "fsync", h);
    return ok(r->fd);
}

static int do_close(struct req *r)
{
    int res[1];
    uint32_t h = cur_u32(r->c);
    CHECK();
    GET_FD(f, "close", h);
    h_fd[h - 1] = -1;
    h_append[h - 1] = 0;
    /* Linux releases the descriptor even when close reports an error; EINTR
     * must not be retried (close(2)). */
    if (close(f) < 0 && errno != EINTR)
        return fail_handle(r->fd, "close", h);
    return ok(r->fd);
}

static int do_mkdir(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint32_t mode = cur_u32(r->c);
    CHECK();
    ABS("mkdir", path);
    if (mkdir(path, (mode_t)(mode & 07777)) < 0)
        return fail_call(r->fd, "mkdir", path);
    return ok(r->fd);
}

static int do_remove(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    CHECK();
    ABS("unlink", path);
    if (unlink(path) == 0)
        return ok(r->fd);
    if (errno != EISDIR)
        return fail_call(r->fd, "unlink", path);
    if (rmdir(path) < 0)
        return fail_call(r->fd, "rmdir", path);
    return ok(r->fd);
}

static int do_rename(struct req *r)
{
    int res[1];
    char *from = cur_str(r->c, NULL);
    char *to = cur_str(r->c, NULL);
    uint32_t flags = cur_u32(r->c);
    CHECK();
    ABS("rename", from);
    ABS("rename", to);
    if (flags & ~1u)
        return fail(r->fd, EINVAL, "rename %s %s: unknown flags 0x%x", from, to, flags);
    int rc;
    if (flags & 1u) {
        rc = (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE_);
        if (rc < 0 && errno == EINVAL) {
            /* A filesystem without RENAME_NOREPLACE: check, then rename. */
            struct stat st;
            if (lstat(to, &st) == 0) {
                errno = EEXIST;
                rc = -1;
            } else {
                rc = rename(from, to);
            }
        }
    } else {
        rc = rename(from, to);
    }
    if (rc < 0) {
        int e = errno;
        return fail(r->fd, e, "rename %s %s: %s", from, to, strerror(e));
    }
    return ok(r->fd);
}

static int do_symlink(struct req *r)
{
    int res[1];
    char *target = cur_str(r->c, NULL);
    char *link = cur_str(r->c, NULL);
    CHECK();
    ABS("symlink", link);   /* the target is the link's content, any text */
    if (symlink(target, link) < 0)
        return fail_call(r->fd, "symlink", link);
    return ok(r->fd);
}

static int do_readlink(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    CHECK();
    ABS("readlink", path);
    char buf[PATH_MAX + 1];
    ssize_t n = readlink(path, buf, sizeof buf);
    if (n < 0)
        return fail_call(r->fd, "readlink", path);
    if ((size_t)n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return fail_call(r->fd, "readlink", path);
    }
    buf[n] = 0;
    struct obuf o;
    body(&o);
    ob_str(&o, buf, (size_t)n);
    return send_body(r->fd, T_PATH_REPLY, &o);
}

static int do_link(struct req *r)
{
    int res[1];
    char *existing = cur_str(r->c, NULL);
    char *newp = cur_str(r->c, NULL);
    CHECK();
    ABS("link", existing);
    ABS("link", newp);
    if (link(existing, newp) < 0) {
        int e = errno;
        return fail(r->fd, e, "link %s %s: %s", existing, newp, strerror(e));
    }
    return ok(r->fd);
}

static int do_chmod(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint32_t mode = cur_u32(r->c);
    CHECK();
    ABS("chmod", path);
    if (chmod(path, (mode_t)(mode & 07777)) < 0)
        return fail_call(r->fd, "chmod", path);
    return ok(r->fd);
}

static int do_chown(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint32_t uid = cur_u32(r->c);
    uint32_t gid = cur_u32(r->c);
    uint8_t follow = cur_u8(r->c);
    CHECK();
    ABS(follow ? "chown" : "lchown", path);
    if ((follow ? chown(path, (uid_t)uid, (gid_t)gid) : lchown(path, (uid_t)uid, (gid_t)gid)) < 0)
        return fail_call(r->fd, follow ? "chown" : "lchown", path);
    return ok(r->fd);
}

static int do_utimes(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint8_t follow = cur_u8(r->c);
    struct timespec ts[2];
    for (int i = 0; i < 2; i++) {
        ts[i].tv_sec = (time_t)cur_i64(r->c);
        ts[i].tv_nsec = (long)cur_u32(r->c);   /* 0x3FFFFFFE is UTIME_OMIT */
    }
    CHECK();
    ABS("utimensat", path);
    if (utimensat(AT_FDCWD, path, ts, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
        return fail_call(r->fd, "utimensat", path);
    return ok(r->fd);
}

static int do_access(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint32_t mode = cur_u32(r->c);
    CHECK();
    ABS("access", path);
    if (mode & ~7u)
        return fail(r->fd, EINVAL, "access %s: invalid mode 0x%x", path, mode);
    if (access(path, (int)mode) < 0)
        return fail_call(r->fd, "access", path);
    return ok(r->fd);
}

static int do_realpath(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    CHECK();
    ABS("realpath", path);
    char buf[PATH_MAX];
    if (!realpath(path, buf))
        return fail_call(r->fd, "realpath", path);
    return path_reply(r->fd, buf);
}

/* Names for statfs(2) f_type (linux/magic.h); others print as hex. */
static const char *fs_name(unsigned long t, char *buf, size_t len)
{
    static const struct { unsigned long magic; const char *name; } tab[] = {
        { 0xEF53, "ext4" }, { 0x01021994, "tmpfs" }, { 0x794c7630, "overlay" },
        { 0xE0F5E1E2, "erofs" }, { 0x9fa0, "proc" }, { 0x62656572, "sysfs" },
        { 0x1cd1, "devpts" }, { 0x858458f6, "ramfs" }, { 0x65735546, "fuse" },
        { 0x58465342, "xfs" }, { 0x9123683E, "btrfs" }, { 0x73717368, "squashfs" },
        { 0x4d44, "vfat" }, { 0x6969, "nfs" }, { 0x63677270, "cgroup2" },
        { 0x27e0eb, "cgroup" }, { 0x01021997, "9p" }, { 0x2fc12fc1, "zfs" },
        { 0x5346544e, "ntfs" }, { 0xf15f, "ecryptfs" }, { 0x64626720, "debugfs" },
        { 0x74726163, "tracefs" }, { 0x73636673, "securityfs" }, { 0xcafe4a11, "bpf" },
        { 0x6e736673, "nsfs" }, { 0x42494e4d, "binfmt_misc" }, { 0x19800202, "mqueue" },
        { 0x958458f6, "hugetlbfs" }, { 0x2011BAB0, "exfat" }, { 0x3434, "nilfs2" },
        { 0xF2F52010, "f2fs" }, { 0x517B, "smb" }, { 0xFE534D42, "smb2" },
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (tab[i].magic == (t & 0xFFFFFFFFul))
            return tab[i].name;
    snprintf(buf, len, "0x%lx", t & 0xFFFFFFFFul);
    return buf;
}

static int do_statfs(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    CHECK();
    ABS("statfs", path);
    struct statfs s;
    if (statfs(path, &s) < 0)
        return fail_call(r->fd, "statfs", path);
    char tb[24];
    const char *name = fs_name((unsigned long)s.f_type, tb, sizeof tb);
    struct obuf o;
    body(&o);
    ob_u64(&o, (uint64_t)s.f_bsize);
    ob_u64(&o, (uint64_t)s.f_blocks);
    ob_u64(&o, (uint64_t)s.f_bfree);
    ob_u64(&o, (uint64_t)s.f_bavail);
    ob_str(&o, name, strlen(name));
    return send_body(r->fd, T_STATFS_REPLY, &o);
}

static int do_truncate(struct req *r)
{
    int res[1];
    char *path = cur_str(r->c, NULL);
    uint64_t size = cur_u64(r->c);
    CHECK();
    ABS("truncate", path);
    if (size > INT64_MAX)
        return fail(r->fd, EINVAL, "truncate %s: size %llu out of range", path, (unsigned long long)size);
    if (truncate(path, (off_t)size) < 0)
        return fail_call(r->fd, "truncate", path);
    return ok(r->fd);
}

static int do_sync(struct req *r)
{
    int res[1];
    CHECK();
    sync();
    return ok(r->fd);
}

static int do_kill(struct req *r)
{
    int res[1];
    uint32_t pid = cur_u32(r->c);
    int32_t sig = cur_i32(r->c);
    CHECK();
    /* 0 and "negative" pids would signal groups or everyone: refuse. */
    if (pid == 0 || pid > INT32_MAX)
        return fail(r->fd, EINVAL, "kill %u: invalid pid", pid);
    if (sig < 0 || sig > 64)
        return fail(r->fd, EINVAL, "kill %u: invalid signal %d", pid, sig);
    if (kill((pid_t)pid, sig) < 0) {
        int e = errno;
        return fail(r->fd, e, "kill %u: %s", pid, strerror(e));
    }
    return ok(r->fd);
}

static int do_shutdown(struct req *r)
{
    int res[1];
    uint8_t mode = cur_u8(r->c);
    CHECK();
    if (mode > 1)
        return fail(r->fd, EINVAL, "shutdown: invalid mode %u", mode);
    if ((res[0] = ok(r->fd)) < 0)
        return res[0];
    power_shutdown();   /* does not return in a VM */
    return 0;
}

int files_request(int fd, uint16_t type, struct cursor *c, char *msg, size_t msglen)
{
    static const struct {
        uint16_t type;
        const char *name;
        int (*fn)(struct req *);
    } ops[] = {
        { T_STAT, "STAT", do_stat }, { T_READDIR, "READDIR", do_readdir },
        { T_OPEN, "OPEN", do_open }, { T_PREAD, "PREAD", do_pread },
        { T_PWRITE, "PWRITE", do_pwrite }, { T_FSTAT, "FSTAT", do_fstat },
        { T_FTRUNCATE, "FTRUNCATE", do_ftruncate }, { T_FSYNC, "FSYNC", do_fsync },
        { T_CLOSE, "CLOSE", do_close }, { T_MKDIR, "MKDIR", do_mkdir },
        { T_REMOVE, "REMOVE", do_remove }, { T_RENAME, "RENAME", do_rename },
        { T_SYMLINK, "SYMLINK", do_symlink }, { T_READLINK, "READLINK", do_readlink },
        { T_LINK, "LINK", do_link }, { T_CHMOD, "CHMOD", do_chmod },
        { T_CHOWN, "CHOWN", do_chown }, { T_UTIMES, "UTIMES", do_utimes },
        { T_ACCESS, "ACCESS", do_access }, { T_REALPATH, "REALPATH", do_realpath },
        { T_STATFS, "STATFS", do_statfs }, { T_TRUNCATE, "TRUNCATE", do_truncate },
        { T_SYNC, "SYNC", do_sync }, { T_KILL, "KILL", do_kill },
        { T_SHUTDOWN, "SHUTDOWN", do_shutdown },
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].type != type)
            continue;
        struct req r = { fd, ops[i].name, c, msg, msglen };
        return ops[i].fn(&r);
    }
    snprintf(msg, msglen, "unexpected frame type 0x%04x on a file/control connection", type);
    return -1;
}
