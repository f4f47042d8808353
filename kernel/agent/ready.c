/*
 * ready.c - the READY/CLOCK connection of docs/agent-protocol.md ("Ready and
 * the clock"): after the root is built and the agent listens, a forked
 * process connects to the host (CID 2) on ready_port and sends READY (u16
 * version 1, u16 0, `str` kernel release, u64 CLOCK_BOOTTIME nanoseconds).
 * Every CLOCK the host sends sets CLOCK_REALTIME. When the host closes the
 * connection nothing happens; the process just ends (PID 1 reaps it).
 * A separate process keeps PID 1 from ever blocking on this connection.
 * Man pages: vsock(7), uname(2), clock_gettime(2), clock_settime(2).
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int connect_host(unsigned port)
{
    struct sockaddr_vm_ sa;
    memset(&sa, 0, sizeof sa);
    sa.svm_family = AF_VSOCK;
    sa.svm_cid = VMADDR_CID_HOST;
    sa.svm_port = port;
    int err = 0;
    for (int attempt = 0; attempt < 20; attempt++) {
        int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
            return fd;
        err = errno;
        close(fd);
        if (err == EINTR || err == EAFNOSUPPORT)
            break;
        sleep_ms(100);   /* the host may not be listening yet */
    }
    errno = err;
    return -1;
}

void ready_start(unsigned port)
{
    pid_t pid = fork();
    if (pid < 0)
        agent_log("ready: fork: %s", strerror(errno));
    if (pid != 0)
        return;

    int fd = connect_host(port);
    if (fd < 0) {
        agent_log("ready: connect to the host (CID 2) port %u: %s", port, strerror(errno));
        _exit(1);
    }
    struct utsname u;
    if (uname(&u) < 0)
        strcpy(u.release, "unknown");
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    unsigned char body[16 + sizeof u.release];
    struct obuf o;
    ob_init(&o, body, sizeof body);
    ob_u16(&o, 1);
    ob_u16(&o, 0);
    ob_str(&o, u.release, strnlen(u.release, sizeof u.release));
    ob_u64(&o, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
    if (wire_send(fd, T_READY, body, o.len) < 0) {
        agent_log("ready: send: %s", strerror(errno));
        _exit(1);
    }
    for (;;) {
        unsigned char b[64];
        char msg[256];
        uint16_t type;
        uint32_t len;
        int r = wire_read_frame(fd, &type, b, sizeof b, &len, msg, sizeof msg);
        if (r == RF_EOF || r == RF_IO)
            _exit(0);
        if (r == RF_OK && type != T_CLOCK) {
            r = RF_PROTO;
            snprintf(msg, sizeof msg, "unexpected frame type 0x%04x on the ready connection", type);
        } else if (r == RF_OK && len != 12) {
            r = RF_PROTO;
            snprintf(msg, sizeof msg, "CLOCK: body of %u bytes, expected 12", len);
        }
        if (r == RF_PROTO) {
            wire_send_error(fd, EPROTO, "%s", msg);
            _exit(0);
        }
        struct timespec now = { (time_t)(int64_t)le64(b), (long)le32(b + 8) };
        if (now.tv_nsec >= 1000000000L || clock_settime(CLOCK_REALTIME, &now) < 0)
            agent_log("ready: CLOCK %lld.%09ld: %s", (long long)now.tv_sec, now.tv_nsec,
                      now.tv_nsec >= 1000000000L ? "invalid nanoseconds" : strerror(errno));
    }
}
