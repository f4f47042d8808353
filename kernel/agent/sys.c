/*
 * sys.c - process-wide helpers: the log destination (the console in a VM,
 * stderr on a host), fatal errors, the SHUTDOWN sequence and small fd
 * helpers.
 *
 * Spec: docs/agent-protocol.md, "Ready and the clock" (fatal message format:
 * `crumble-agent: fatal: <what>: <errno text>` on /dev/console, then the VM
 * stops) and the last paragraph of "Building the root" (SHUTDOWN: OK,
 * kill(-1, SIGTERM), wait up to 1 s, kill(-1, SIGKILL), sync(), reboot
 * (RB_AUTOBOOT)). Man pages: kill(2) (pid -1 spares init and the caller),
 * reboot(2), console(4).
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

enum agent_mode g_mode = MODE_UNIX;
pid_t g_listener_pid;
static int g_log_fd = 2;

void agent_log(const char *fmt, ...)
{
    char buf[1024];
    int n = snprintf(buf, sizeof buf, AGENT_NAME ": ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof buf - 2)
        len = sizeof buf - 2;
    buf[len++] = '\n';
    ssize_t w = write(g_log_fd, buf, len);
    (void)w;
}

void fatal(const char *what, int err)
{
    agent_log("fatal: %s: %s", what, strerror(err));
    if (g_mode == MODE_PID1 && getpid() == 1) {
        sync();
        reboot(RB_AUTOBOOT);
        agent_log("fatal: reboot: %s", strerror(errno));
        for (;;)
            pause();   /* PID 1 must never exit: that is a kernel panic */
    }
    _exit(1);
}

void power_shutdown(void)
{
    if (g_mode != MODE_PID1 || (getpid() != 1 && getppid() != 1)) {
        /* Not the VM's init: only stop our own listener, never kill(-1). */
        if (g_listener_pid > 1 && g_listener_pid != getpid() && getppid() == g_listener_pid)
            kill(g_listener_pid, SIGTERM);
        return;
    }
    kill(-1, SIGTERM);           /* everyone but init and ourselves */
    for (int i = 0; i < 20; i++) {
        if (kill(-1, 0) < 0 && errno == ESRCH)
            break;
        sleep_ms(50);
    }
    kill(-1, SIGKILL);
    sync();
    reboot(RB_AUTOBOOT);         /* a guest reset ends the VM (reboot=k, -no-reboot) */
    agent_log("reboot: %s", strerror(errno));
    for (;;)
        pause();
}

void sys_open_console(void)
{
    int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i <= 2; i++)
        if (fcntl(i, F_GETFD) < 0)
            dup2(fd, i);
    g_log_fd = fd;
}

void sys_ensure_stdio(void)
{
    for (int i = 0; i <= 2; i++) {
        if (fcntl(i, F_GETFD) >= 0)
            continue;
        int fd = open("/dev/null", O_RDWR);
        if (fd >= 0 && fd != i) {
            dup2(fd, i);
            close(fd);
        }
    }
}

int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}
