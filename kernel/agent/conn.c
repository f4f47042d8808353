/*
 * conn.c - one connection, in its own forked process: the handshake, then
 * either an EXEC session (exec.c) or any number of file/control requests
 * (files.c), strictly one at a time.
 *
 * Spec: docs/agent-protocol.md, "Handshake" and "Framing" (a malformed frame
 * is answered by ERROR EPROTO and the connection is closed; nothing else is
 * affected, because this process is the only one that exits).
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

unsigned char g_in[MAX_BODY];
unsigned char g_out[FRAME_HDR + MAX_BODY];

/* Sends ERROR EPROTO and closes gracefully (wire_linger_close). */
__attribute__((noreturn, format(printf, 2, 3)))
static void conn_fail(int fd, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    wire_send_error(fd, EPROTO, "%s", msg);
    wire_linger_close(fd, 200);
    _exit(0);
}

static void handshake(int fd)
{
    char msg[256];
    uint16_t type;
    uint32_t len;
    int r = wire_read_frame(fd, &type, g_in, MAX_BODY, &len, msg, sizeof msg);
    if (r == RF_EOF || r == RF_IO)
        _exit(0);
    if (r == RF_PROTO)
        conn_fail(fd, "%s", msg);
    if (type != T_HELLO)
        conn_fail(fd, "expected HELLO, got frame type 0x%04x", type);
    struct cursor c;
    cur_init(&c, g_in, len);
    uint32_t magic = cur_u32(&c);
    uint16_t version = cur_u16(&c);
    uint16_t reserved = cur_u16(&c);
    if (!cur_end(&c))
        conn_fail(fd, "HELLO: body of %u bytes, expected 8", len);
    if (magic != AGENT_MAGIC)
        conn_fail(fd, "HELLO: bad magic 0x%08x", magic);
    if (version != AGENT_VERSION)
        conn_fail(fd, "HELLO: unsupported version %u (this agent speaks %d)", version, AGENT_VERSION);
    if (reserved != 0)
        conn_fail(fd, "HELLO: reserved field is %u, not 0", reserved);

    char desc[64];
    int n = snprintf(desc, sizeof desc, AGENT_NAME " %d (pid %d)", AGENT_VERSION, (int)getpid());
    unsigned char body[128];
    struct obuf o;
    ob_init(&o, body, sizeof body);
    ob_u32(&o, AGENT_MAGIC);
    ob_u16(&o, AGENT_VERSION);
    ob_u16(&o, 0);
    ob_str(&o, desc, (size_t)n);
    if (wire_send(fd, T_HELLO, body, o.len) < 0)
        _exit(0);
}

void conn_serve(int fd)
{
    signal(SIGPIPE, SIG_IGN);
    files_init();
    handshake(fd);
    for (;;) {
        char msg[256];
        uint16_t type;
        uint32_t len;
        int r = wire_read_frame(fd, &type, g_in, MAX_BODY, &len, msg, sizeof msg);
        if (r == RF_EOF || r == RF_IO)
            _exit(0);   /* a connection's files close with it */
        if (r == RF_PROTO)
            conn_fail(fd, "%s", msg);
        struct cursor c;
        cur_init(&c, g_in, len);
        switch (type) {
        case T_PING:
            if (len != 0)
                conn_fail(fd, "PING: body of %u bytes, expected 0", len);
            if (wire_send_ok(fd) < 0)
                _exit(0);
            break;
        case T_EXEC:
            exec_session(fd, &c);
        default:
            /* File requests create exactly the modes the host asks for (java.nio.file passes them
             * explicitly); processes get the conventional 022 in their own setup (exec.c). */
            umask(0);
            r = files_request(fd, type, &c, msg, sizeof msg);
            if (r == -1)
                conn_fail(fd, "%s", msg);
            if (r < -1)
                _exit(0);
        }
    }
}
