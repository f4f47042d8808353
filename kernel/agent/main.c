/*
 * main.c - entry point of crumble-agent: chooses the mode, listens, accepts,
 * forks one process per connection and reaps children.
 *
 *   PID 1 (the VM's /init; arguments from the kernel are ignored, except that
 *   the two options below still choose their mode, e.g. as a container's init):
 *     read /crumble/config, build the container root (rootfs.c), listen on
 *     vsock port agent_port, report READY (ready.c), then serve forever.
 *     PID 1 reaps every orphan (waitpid(-1, WNOHANG) on each SIGCHLD) and
 *     never exits.
 *   --listen-unix PATH   host process for tests and benchmarks: serve only.
 *   --listen-vsock PORT  serve only, on vsock (debugging inside a VM).
 *
 * Spec: docs/agent-protocol.md (introduction, "Building the root" last
 * paragraph). Man pages: signalfd(2), accept4(2), fork(2), waitpid(2),
 * vsock(7), unix(7).
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONFIG_PATH "/crumble/config"

static const char *g_unix_path;   /* unlinked when a host-mode listener stops */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: " AGENT_NAME " --listen-unix PATH | --listen-vsock PORT\n"
            "As PID 1 (the VM's /init) it builds the container root from " CONFIG_PATH "\n"
            "and serves the agent protocol on vsock (docs/agent-protocol.md).\n");
}

static int parse_port(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > 0xFFFFFFFEul || s[0] == '-')
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int listen_unix(const char *path)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);   /* a stale socket of an earlier run */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 128) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int listen_vsock(unsigned port)
{
    struct sockaddr_vm_ sa;
    memset(&sa, 0, sizeof sa);
    sa.svm_family = AF_VSOCK;
    sa.svm_port = port;
    sa.svm_cid = VMADDR_CID_ANY;
    int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 128) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static void reap_all(void)
{
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
        ;
}

/* The accept loop. Never returns in PID-1 mode; otherwise returns on
 * SIGTERM/SIGINT/SIGHUP (or SHUTDOWN, which sends SIGTERM). */
static void serve(int lfd)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    if (g_mode != MODE_PID1) {
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
    }
    sigprocmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0)
        fatal("signalfd", errno);
    g_listener_pid = getpid();

    for (;;) {
        struct pollfd p[2] = { { lfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
        if (poll(p, 2, -1) < 0) {
            if (errno != EINTR)
                sleep_ms(10);
            continue;
        }
        if (p[1].revents) {
            struct signalfd_siginfo si;
            int stop = 0;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo != SIGCHLD)
                    stop = 1;
            reap_all();
            if (stop && g_mode != MODE_PID1)
                return;
        }
        if (p[0].revents) {
            int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            if (c < 0) {
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                    sleep_ms(50);   /* let connections end; do not spin */
                continue;
            }
            pid_t pid = fork();
            if (pid == 0) {
                close(lfd);
                close(sfd);
                sigset_t only_chld;
                sigemptyset(&only_chld);
                sigaddset(&only_chld, SIGCHLD);  /* exec.c reads it from a signalfd */
                sigprocmask(SIG_SETMASK, &only_chld, NULL);
                conn_serve(c);
            }
            if (pid < 0)
                agent_log("fork: %s", strerror(errno));
            close(c);
        }
    }
}

__attribute__((noreturn)) static void pid1_main(void)
{
    struct agent_config cfg;
    umask(022);
    config_defaults(&cfg);
    /* The config lives in the initramfs, which the stage hides: read it first. */
    int cfg_err = config_load(CONFIG_PATH, &cfg) < 0 ? errno : 0;
    rootfs_build(&cfg);
    if (cfg_err)
        agent_log("warning: " CONFIG_PATH ": %s (defaults used)", strerror(cfg_err));
    int lfd;
    if (cfg.debug_listen_unix[0]) {
        /* test/pid1_test.py: a PID namespace stands in for the VM */
        lfd = listen_unix(cfg.debug_listen_unix);
        if (lfd < 0)
            fatal(cfg.debug_listen_unix, errno);
    } else {
        lfd = listen_vsock(cfg.agent_port);
        if (lfd < 0) {
            char what[64];
            snprintf(what, sizeof what, "listen on vsock port %u", cfg.agent_port);
            fatal(what, errno);
        }
        ready_start(cfg.ready_port);
    }
    g_listener_pid = 1;
    serve(lfd);
    for (;;)   /* serve() does not return in PID-1 mode */
        pause();
}

int main(int argc, char **argv)
{
    /* Blocked from the start so no child's exit is missed before serve()
     * opens its signalfd (a blocked signal stays pending). */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int explicit_mode = argc == 3 && (!strcmp(argv[1], "--listen-unix") || !strcmp(argv[1], "--listen-vsock"));
    if (getpid() == 1 && !explicit_mode) {
        g_mode = MODE_PID1;   /* the kernel's arguments to init are ignored */
        pid1_main();
    }
    sys_ensure_stdio();
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--version")) {
        printf(AGENT_NAME " protocol %d\n", AGENT_VERSION);
        return 0;
    }
    int lfd;
    if (argc == 3 && !strcmp(argv[1], "--listen-unix")) {
        g_mode = MODE_UNIX;
        g_unix_path = argv[2];
        lfd = listen_unix(argv[2]);
        if (lfd < 0) {
            agent_log("listen on %s: %s", argv[2], strerror(errno));
            return 1;
        }
    } else if (argc == 3 && !strcmp(argv[1], "--listen-vsock")) {
        unsigned port;
        g_mode = MODE_VSOCK;
        if (parse_port(argv[2], &port) < 0) {
            usage(stderr);
            return 2;
        }
        lfd = listen_vsock(port);
        if (lfd < 0) {
            agent_log("listen on vsock port %u: %s", port, strerror(errno));
            return 1;
        }
    } else {
        usage(stderr);
        return 2;
    }
    serve(lfd);
    if (g_unix_path)
        unlink(g_unix_path);
    return 0;
}
