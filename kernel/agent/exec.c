/*
 * exec.c - an EXEC session: starts one process (pipes or a pseudo-terminal),
 * answers STARTED or ERROR, then moves stdin/stdout/stderr between the
 * process and the connection with flow-control windows both ways, forwards
 * SIGNAL and RESIZE, and reports EXIT and the EOFs in the specified order.
 *
 * Spec: docs/agent-protocol.md, "Exec". The session is one non-blocking
 * poll(2) loop over: the connection (always read: the windows bound what the
 * host can send; written while output is queued), the stdout/stderr pipes
 * (read only while the host's window has room), the stdin pipe (written
 * while stdin bytes are buffered) and a signalfd(2) for SIGCHLD. Memory is
 * fixed: one output queue, one input frame buffer, one stdin ring of the
 * advertised window.
 *
 * The child: setsid(2); with PTY the slave becomes the controlling terminal
 * (TIOCSCTTY, see ioctl_tty(2), pty(7)); signals reset and unblocked;
 * descriptors above 2 closed on exec (close_range(2) CLOSE_RANGE_CLOEXEC);
 * setgroups/setgid/setuid; chdir; execve(2) with our own PATH search (as
 * execvp(3): EACCES is reported only if no candidate was found). Failures
 * travel to the parent over a CLOEXEC pipe as (step, errno).
 */
#define _GNU_SOURCE
#include "agent.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define XF_PTY 0x1u
#define XF_STDIN 0x2u
#define XF_MERGE 0x4u

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define STDIN_WINDOW (256u * 1024u)   /* our stdin window = the ring's size */
#define OUTQ_CAP (256u * 1024u)       /* frames queued for the connection */
#define DATA_HDR (FRAME_HDR + 1)      /* DATA header + stream byte */
#define CTRL_RESERVE 256u             /* outq bytes that output reads leave free */
#define FINAL_RESERVE 64u             /* ... and ACKs leave free: EXIT + 2 EOF = 34 */
#define IN_CAP (FRAME_HDR + 1 + MAX_DATA)
#define CLOSE_RANGE_CLOEXEC_ (1u << 2)

enum step { S_SETSID = 1, S_PTY, S_TIOCSCTTY, S_DEVNULL, S_DUP2, S_SETGROUPS, S_SETGID,
            S_SETUID, S_CHDIR, S_EXEC };

/* ---- the request ---- */
static char *g_argv[MAX_STRS + 1];
static char *g_env[MAX_STRS + 2];
static char g_home_env[sizeof ((struct user_ids *)0)->home + 8];

struct spec {
    uint32_t flags;
    char **argv, **env;
    const char *cwd;
    const char *path;           /* PATH for the search */
    struct user_ids user;
    unsigned short rows, cols;
    uint32_t hwin;              /* the host's window, per stream */
    char slave[64];             /* pty slave name */
};

/* ---- the session ---- */
static unsigned char outq[OUTQ_CAP];
static size_t oq_head, oq_tail;
static unsigned char inq[IN_CAP];
static size_t in_len;
static unsigned char ring[STDIN_WINDOW];
static size_t r_head, r_len;

static struct {
    int sock, sfd;
    pid_t pid;
    uint32_t flags, hwin;
    int master;                 /* pty master, or -1 */
    int out_fd[3];              /* [1] stdout (or the master), [2] stderr; -1 when ended */
    uint32_t unacked[3];
    int in_fd;                  /* stdin pipe or the master; -1 when closed */
    int in_broken;              /* the reader went away: discard and ACK */
    int in_eof;                 /* the host sent EOF */
    int in_done;                /* stdin closed (or VEOF written) */
    int veof_left;              /* pty: VEOF characters still to write */
    unsigned char last_in;      /* pty: last byte written */
    uint64_t pending_ack;       /* stdin bytes written, not yet ACKed */
    int reaped, code, sig, exit_sent, eof_sent;
} S;

/* ---------------------------------------------------------------- child */

__attribute__((noreturn)) static void child_fail(int ep, int step)
{
    int32_t rep[2] = { step, errno };
    ssize_t w = write(ep, rep, sizeof rep);
    (void)w;
    _exit(127);
}

static void exec_search(const struct spec *sp, int ep)
{
    const char *file = sp->argv[0];
    if (!*file) {
        errno = ENOENT;
        child_fail(ep, S_EXEC);
    }
    if (strchr(file, '/')) {
        execve(file, sp->argv, sp->env);
        child_fail(ep, S_EXEC);
    }
    size_t fl = strlen(file);
    int eacces = 0;
    char buf[PATH_MAX];
    for (const char *p = sp->path, *z; ; p = z + 1) {
        z = strchrnul(p, ':');
        size_t dl = (size_t)(z - p);
        if (dl + 1 + fl < sizeof buf) {
            if (dl) {
                memcpy(buf, p, dl);
                buf[dl] = '/';
                memcpy(buf + dl + 1, file, fl + 1);
            } else {
                memcpy(buf, file, fl + 1);   /* empty element: current directory */
            }
            execve(buf, sp->argv, sp->env);
            if (errno == EACCES)
                eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR && errno != ENAMETOOLONG)
                child_fail(ep, S_EXEC);
        }
        if (!*z)
            break;
    }
    errno = eacces ? EACCES : ENOENT;
    child_fail(ep, S_EXEC);
}

__attribute__((noreturn))
static void child(const struct spec *sp, int ep, int in_r, int out_w, int err_w)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int i = 1; i < 65; i++)
        sigaction(i, &sa, NULL);   /* fails harmlessly for SIGKILL, SIGSTOP, libc's own */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    if (setsid() < 0)
        child_fail(ep, S_SETSID);
    if (sp->flags & XF_PTY) {
        int s = open(sp->slave, O_RDWR | O_NOCTTY);
        if (s < 0)
            child_fail(ep, S_PTY);
        if (ioctl(s, TIOCSCTTY, 0) < 0)
            child_fail(ep, S_TIOCSCTTY);
        in_r = out_w = err_w = s;
    } else {
        if (in_r < 0 && (in_r = open("/dev/null", O_RDWR)) < 0)
            child_fail(ep, S_DEVNULL);
        if (sp->flags & XF_MERGE)
            err_w = out_w;
    }
    /* The sources are all >= 3 (0-2 are always open in the agent), so dup2
     * never meets source == target and clears FD_CLOEXEC on all three. */
    if (dup2(in_r, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        child_fail(ep, S_DUP2);
    if (syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC_) < 0) {
        struct rlimit_ { unsigned long cur, max; } rl;
        long max = 65536;
        if (syscall(SYS_getrlimit, 7 /* RLIMIT_NOFILE */, &rl) == 0 && rl.cur < 65536)
            max = (long)rl.cur;
        for (long fd = 3; fd < max; fd++)
            fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    }

    umask(022);   /* what container runtimes give processes, whatever the agent's own is */
    const struct user_ids *u = &sp->user;
    if (setgroups(u->ngroups, u->groups) < 0
        && !(errno == EPERM && u->uid == geteuid() && u->gid == getegid()))
        child_fail(ep, S_SETGROUPS);   /* unprivileged host mode, same identity: fine */
    if (setgid(u->gid) < 0)
        child_fail(ep, S_SETGID);
    if (setuid(u->uid) < 0)
        child_fail(ep, S_SETUID);
    if (chdir(sp->cwd) < 0)
        child_fail(ep, S_CHDIR);
    exec_search(sp, ep);
    _exit(127);
}

/* --------------------------------------------------------------- parent */

/* Sends what is queued, then closes our side and discards what the host
 * still sends for up to ms, so that it reads our last frames and a clean
 * end of stream; then exits. */
__attribute__((noreturn)) static void finish(int sock, long ms)
{
    int fl = fcntl(sock, F_GETFL);
    if (fl >= 0)
        fcntl(sock, F_SETFL, fl & ~O_NONBLOCK);
    struct timeval tv = { 1, 0 };
    setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (oq_tail > oq_head)
        write_full(sock, outq + oq_head, oq_tail - oq_head);
    oq_head = oq_tail = 0;
    wire_linger_close(sock, ms);
    _exit(0);
}

static void kill_and_reap(void)
{
    if (!S.reaped && S.pid > 0) {
        kill(S.pid, SIGKILL);
        while (waitpid(S.pid, NULL, 0) < 0 && errno == EINTR)
            ;
        S.reaped = 1;
    }
}

/* Protocol error: ERROR EPROTO after what is queued, kill, close. */
__attribute__((noreturn, format(printf, 1, 2))) static void session_fail(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kill_and_reap();
    int fl = fcntl(S.sock, F_GETFL);
    if (fl >= 0)
        fcntl(S.sock, F_SETFL, fl & ~O_NONBLOCK);
    struct timeval tv = { 1, 0 };
    setsockopt(S.sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (oq_tail > oq_head)
        write_full(S.sock, outq + oq_head, oq_tail - oq_head);
    oq_head = oq_tail = 0;
    wire_send_error(S.sock, EPROTO, "%s", msg);
    finish(S.sock, 200);
}

/* The host is gone (end of stream or a failed send). */
__attribute__((noreturn)) static void host_gone(void)
{
    kill_and_reap();
    _exit(0);
}

static size_t oq_free(void) { return OUTQ_CAP - (oq_tail - oq_head); }

/* Room for n contiguous bytes at the tail (the caller checked oq_free). */
static unsigned char *oq_reserve(size_t n)
{
    if (OUTQ_CAP - oq_tail < n) {
        memmove(outq, outq + oq_head, oq_tail - oq_head);
        oq_tail -= oq_head;
        oq_head = 0;
    }
    return outq + oq_tail;
}

static void oq_frame(uint16_t type, const unsigned char *b, size_t len)
{
    unsigned char *p = oq_reserve(FRAME_HDR + len);
    wire_hdr(p, (uint32_t)len, type);
    if (len)
        memcpy(p + FRAME_HDR, b, len);
    oq_tail += FRAME_HDR + len;
}

static void queue_acks(void)
{
    while (S.pending_ack > 0 && oq_free() >= FRAME_HDR + 5 + FINAL_RESERVE) {
        uint32_t n = S.pending_ack > UINT32_MAX ? UINT32_MAX : (uint32_t)S.pending_ack;
        unsigned char b[5];
        b[0] = 0;
        st32(b + 1, n);
        oq_frame(T_ACK, b, sizeof b);
        S.pending_ack -= n;
    }
}

static size_t want_bytes(int s)
{
    uint32_t room = S.hwin - S.unacked[s];
    return room < MAX_DATA ? room : MAX_DATA;
}

static int can_read(int s)
{
    return S.out_fd[s] >= 0 && S.unacked[s] < S.hwin
        && oq_free() >= DATA_HDR + want_bytes(s) + CTRL_RESERVE;
}

static void stream_ended(int s)
{
    int fd = S.out_fd[s];
    S.out_fd[s] = -1;
    if (fd == S.master) {
        /* pty: EIO on the master means every slave fd is closed; stdin is
         * gone with it. The master itself stays open until this process
         * exits: closing it hangs the terminal up, and a process that
         * closed its fds but has not exited yet would die of SIGHUP. */
        S.in_broken = 1;
        return;
    }
    close(fd);
}

/* Reads one DATA frame's worth from stream s: 1 data, 0 ended, -1 nothing now. */
static int read_stream(int s)
{
    size_t want = want_bytes(s);
    unsigned char *p = oq_reserve(DATA_HDR + want);
    ssize_t n = read(S.out_fd[s], p + DATA_HDR, want);
    if (n > 0) {
        wire_hdr(p, (uint32_t)(1 + n), T_DATA);
        p[FRAME_HDR] = (unsigned char)s;
        oq_tail += DATA_HDR + (size_t)n;
        S.unacked[s] += (uint32_t)n;
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return -1;
    stream_ended(s);   /* 0, or EIO from a pty master, or any other error */
    return 0;
}

static void drain_outputs(void)
{
    for (int s = 1; s <= 2; s++)
        while (can_read(s) && read_stream(s) > 0)
            ;
}

static void write_stdin(void)
{
    while (S.in_fd >= 0 && !S.in_broken && r_len > 0) {
        size_t chunk = STDIN_WINDOW - r_head;
        if (chunk > r_len)
            chunk = r_len;
        ssize_t n = write(S.in_fd, ring + r_head, chunk);
        if (n <= 0) {
            if (n == 0 || errno == EAGAIN || errno == EINTR)
                return;
            /* EPIPE (no reader) or worse: discard, but keep ACKing. */
            S.in_broken = 1;
            break;
        }
        S.last_in = ring[r_head + (size_t)n - 1];
        r_head = (r_head + (size_t)n) % STDIN_WINDOW;
        r_len -= (size_t)n;
        S.pending_ack += (uint64_t)n;
    }
    if (S.in_broken && r_len > 0) {
        S.pending_ack += r_len;
        r_len = 0;
    }
    if (S.in_broken && S.in_fd >= 0 && S.in_fd != S.master) {
        close(S.in_fd);
        S.in_fd = -1;
    }
}

/* Host EOF on stdin, once the buffered bytes are written: close the pipe, or
 * on a pty write the terminal's EOF character (twice if a line is open). */
static void finish_stdin(void)
{
    if (!S.in_eof || S.in_done || r_len > 0)
        return;
    if (S.in_fd < 0 || S.in_broken) {
        S.in_done = 1;
        return;
    }
    if (S.in_fd != S.master) {
        close(S.in_fd);
        S.in_fd = -1;
        S.in_done = 1;
        return;
    }
    struct termios t;
    unsigned char veof = 4;   /* ^D */
    if (tcgetattr(S.master, &t) == 0 && t.c_cc[VEOF] != _POSIX_VDISABLE)
        veof = t.c_cc[VEOF];
    if (S.veof_left == 0)
        S.veof_left = (S.last_in == 0 || S.last_in == '\n') ? 1 : 2;
    while (S.veof_left > 0) {
        ssize_t n = write(S.master, &veof, 1);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n < 0)
            break;
        S.veof_left--;
    }
    S.in_done = 1;
}

static void apply_winsize(unsigned short rows, unsigned short cols)
{
    if (S.master < 0)
        return;
    struct winsize ws = { rows ? rows : 24, cols ? cols : 80, 0, 0 };
    ioctl(S.master, TIOCSWINSZ, &ws);
}

static void handle_frame(uint16_t type, const unsigned char *b, uint32_t len)
{
    switch (type) {
    case T_DATA: {
        if (len < 2)
            session_fail("DATA: %u-byte body carries no bytes", len);
        if (b[0] != 0)
            session_fail("DATA: the host may only send stream 0, not %u", b[0]);
        if (!(S.flags & XF_STDIN))
            session_fail("DATA: stdin data without the STDIN flag");
        if (S.in_eof)
            session_fail("DATA: stdin data after EOF");
        size_t n = len - 1;
        if (n + r_len + S.pending_ack > STDIN_WINDOW)
            session_fail("DATA: stdin window of %u bytes exceeded", STDIN_WINDOW);
        if (S.in_fd < 0 || S.in_broken) {
            S.pending_ack += n;
            return;
        }
        size_t tail = (r_head + r_len) % STDIN_WINDOW;
        size_t first = STDIN_WINDOW - tail < n ? STDIN_WINDOW - tail : n;
        memcpy(ring + tail, b + 1, first);
        memcpy(ring, b + 1 + first, n - first);
        r_len += n;
        return;
    }
    case T_ACK: {
        if (len != 5)
            session_fail("ACK: body of %u bytes, expected 5", len);
        uint32_t n = le32(b + 1);
        if (b[0] != 1 && b[0] != 2)
            session_fail("ACK: invalid stream %u", b[0]);
        if (n > S.unacked[b[0]])
            session_fail("ACK: %u bytes acknowledged on stream %u, only %u outstanding", n, b[0],
                         S.unacked[b[0]]);
        S.unacked[b[0]] -= n;
        return;
    }
    case T_EOF:
        if (len != 1)
            session_fail("EOF: body of %u bytes, expected 1", len);
        if (b[0] != 0)
            session_fail("EOF: the host may only end stream 0, not %u", b[0]);
        S.in_eof = 1;
        return;
    case T_SIGNAL: {
        if (len != 4)
            session_fail("SIGNAL: body of %u bytes, expected 4", len);
        int32_t sig = (int32_t)le32(b);
        if (sig < 1 || sig > 64)
            session_fail("SIGNAL: invalid signal %d", sig);
        if (!S.reaped)
            kill(S.pid, sig);
        return;
    }
    case T_RESIZE:
        if (len != 4)
            session_fail("RESIZE: body of %u bytes, expected 4", len);
        apply_winsize(le16(b), le16(b + 2));
        return;
    default:
        session_fail("unexpected frame type 0x%04x in an exec session", type);
    }
}

static void read_socket(void)
{
    for (int round = 0; round < 16; round++) {   /* then let the other fds run */
        ssize_t n = read(S.sock, inq + in_len, IN_CAP - in_len);
        if (n == 0)
            host_gone();
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            host_gone();
        }
        in_len += (size_t)n;
        size_t off = 0;
        while (in_len - off >= FRAME_HDR) {
            const unsigned char *h = inq + off;
            uint32_t len = le32(h);
            uint16_t type = le16(h + 4);
            if (le16(h + 6) != 0)
                session_fail("frame type 0x%04x: reserved field is %u, not 0", type, le16(h + 6));
            if (len > MAX_BODY)
                session_fail("frame type 0x%04x: length %u exceeds the maximum %u", type, len, MAX_BODY);
            if (len > IN_CAP - FRAME_HDR)
                session_fail("frame type 0x%04x: length %u is too long for an exec session", type, len);
            if (in_len - off < FRAME_HDR + len)
                break;
            handle_frame(type, h + FRAME_HDR, len);
            off += FRAME_HDR + len;
        }
        memmove(inq, inq + off, in_len - off);
        in_len -= off;
    }
}

static void write_socket(void)
{
    while (oq_tail > oq_head) {
        ssize_t n = send(S.sock, outq + oq_head, oq_tail - oq_head, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return;
            host_gone();
        }
        oq_head += (size_t)n;
    }
    oq_head = oq_tail = 0;
}

static void check_child(void)
{
    struct signalfd_siginfo si;
    while (read(S.sfd, &si, sizeof si) == (ssize_t)sizeof si)
        ;
    if (S.reaped)
        return;
    int st;
    pid_t r = waitpid(S.pid, &st, WNOHANG);
    if (r != S.pid)
        return;
    S.reaped = 1;
    if (WIFSIGNALED(st)) {
        S.code = -1;
        S.sig = WTERMSIG(st);
    } else {
        S.code = WEXITSTATUS(st);
        S.sig = 0;
    }
}

/* Progress that needs no event: EXIT after the reap, EOFs after EXIT and the
 * ends of the streams, stdin EOF, ACKs. */
static void advance(void)
{
    if (S.reaped && !S.exit_sent) {
        drain_outputs();   /* what can be read without blocking */
        unsigned char b[8];
        st32(b, (uint32_t)S.code);
        st32(b + 4, (uint32_t)S.sig);
        oq_frame(T_EXIT, b, sizeof b);
        S.exit_sent = 1;
    }
    if (S.exit_sent && !S.eof_sent && S.out_fd[1] < 0 && S.out_fd[2] < 0) {
        unsigned char s = 1;
        oq_frame(T_EOF, &s, 1);
        if (!(S.flags & (XF_PTY | XF_MERGE))) {
            s = 2;
            oq_frame(T_EOF, &s, 1);
        }
        S.eof_sent = 1;
    }
    finish_stdin();
    queue_acks();
}

__attribute__((noreturn)) static void run(void)
{
    for (;;) {
        advance();
        if (S.eof_sent && oq_tail == oq_head)
            finish(S.sock, 2000);

        struct pollfd p[5];
        int np = 0, i_sock, i_sfd = -1, i_out[3] = { -1, -1, -1 }, i_in = -1;
        p[np] = (struct pollfd){ S.sock, POLLIN | (oq_tail > oq_head ? POLLOUT : 0), 0 };
        i_sock = np++;
        if (!S.reaped) {
            p[np] = (struct pollfd){ S.sfd, POLLIN, 0 };
            i_sfd = np++;
        }
        int want_in = S.in_fd >= 0 && !S.in_broken
            && (r_len > 0 || (S.in_eof && !S.in_done && S.in_fd == S.master));
        for (int s = 1; s <= 2; s++) {
            if (!can_read(s))
                continue;
            short ev = POLLIN;
            if (S.out_fd[s] == S.in_fd && want_in) {   /* pty: one fd both ways */
                ev |= POLLOUT;
                i_in = np;
                want_in = 0;
            }
            p[np] = (struct pollfd){ S.out_fd[s], ev, 0 };
            i_out[s] = np++;
        }
        if (want_in) {
            p[np] = (struct pollfd){ S.in_fd, POLLOUT, 0 };
            i_in = np++;
        }
        if (poll(p, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;
            session_fail("poll: %s", strerror(errno));
        }
        if (p[i_sock].revents & (POLLIN | POLLHUP | POLLERR))
            read_socket();
        if (p[i_sock].revents & POLLOUT)
            write_socket();
        if (i_sfd >= 0 && p[i_sfd].revents)
            check_child();
        for (int s = 1; s <= 2; s++)
            if (i_out[s] >= 0 && p[i_out[s]].revents && S.out_fd[s] >= 0)
                while (can_read(s) && read_stream(s) > 0)
                    ;
        if (i_in >= 0 && p[i_in].revents) {
            write_stdin();
            finish_stdin();
        }
        if (oq_tail > oq_head)
            write_socket();   /* opportunistic: most sends succeed at once */
    }
}

/* ------------------------------------------------------------- request */

/* ERROR before STARTED, then close. */
__attribute__((noreturn, format(printf, 3, 4)))
static void refuse(int sock, int err, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    wire_send_error(sock, err, "%s", msg);
    finish(sock, 200);
}

static uint32_t parse_strs(struct cursor *c, char **out, const char *what, int sock)
{
    uint32_t n = cur_u32(c);
    if (n > MAX_STRS)
        refuse(sock, EPROTO, "EXEC: %s count %u exceeds %u", what, n, MAX_STRS);
    if (c->short_ || n > (c->len - c->pos) / 4)
        refuse(sock, EPROTO, "EXEC: malformed body (%s count %u)", what, n);
    for (uint32_t i = 0; i < n; i++)
        out[i] = cur_str(c, NULL);
    out[n] = NULL;
    return n;
}

static const char *step_name(int step)
{
    switch (step) {
    case S_SETSID: return "setsid";
    case S_TIOCSCTTY: return "ioctl TIOCSCTTY";
    case S_DEVNULL: return "open /dev/null";
    case S_DUP2: return "dup2";
    case S_SETGROUPS: return "setgroups";
    default: return "exec";
    }
}

void exec_session(int sock, struct cursor *c)
{
    struct spec sp;
    memset(&sp, 0, sizeof sp);
    sp.flags = cur_u32(c);
    parse_strs(c, g_argv, "argv", sock);
    uint32_t nenv = parse_strs(c, g_env, "env", sock);
    const char *cwd = cur_str(c, NULL);
    const char *user = cur_str(c, NULL);
    sp.rows = cur_u16(c);
    sp.cols = cur_u16(c);
    sp.hwin = cur_u32(c);
    if (!cur_end(c))
        refuse(sock, EPROTO, "EXEC: malformed body of %zu bytes", c->len);
    if (c->nul)
        refuse(sock, EINVAL, "exec: a string contains a NUL byte");
    if (sp.flags & ~(XF_PTY | XF_STDIN | XF_MERGE))
        refuse(sock, EINVAL, "exec: unknown flags 0x%x", sp.flags & ~(XF_PTY | XF_STDIN | XF_MERGE));
    if (!g_argv[0])
        refuse(sock, EINVAL, "exec: empty argv");
    if (sp.hwin == 0)
        refuse(sock, EINVAL, "exec: the host window is 0");
    sp.argv = g_argv;
    sp.env = g_env;
    sp.cwd = *cwd ? cwd : "/";
    sp.path = DEFAULT_PATH;
    int has_home = 0;
    for (uint32_t i = 0; i < nenv; i++) {
        if (!strncmp(g_env[i], "PATH=", 5))
            sp.path = g_env[i] + 5;
        if (!strncmp(g_env[i], "HOME=", 5))
            has_home = 1;
    }
    char err[512];
    int e = users_resolve(user, &sp.user, err, sizeof err);
    if (e)
        refuse(sock, e, "%s", err);
    if (!has_home) {
        snprintf(g_home_env, sizeof g_home_env, "HOME=%s", sp.user.home[0] ? sp.user.home : "/");
        g_env[nenv] = g_home_env;
        g_env[nenv + 1] = NULL;
    }

    memset(&S, 0, sizeof S);
    S.sock = sock;
    S.flags = sp.flags;
    S.hwin = sp.hwin;
    S.master = S.in_fd = -1;
    S.out_fd[0] = S.out_fd[1] = S.out_fd[2] = -1;
    int in_r = -1, out_w = -1, err_w = -1, ep[2];

    if (sp.flags & XF_PTY) {
        S.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (S.master < 0)
            refuse(sock, errno, "open /dev/ptmx: %s", strerror(errno));
        if (grantpt(S.master) < 0 || unlockpt(S.master) < 0
            || (errno = ptsname_r(S.master, sp.slave, sizeof sp.slave)) != 0)
            refuse(sock, errno, "unlockpt: %s", strerror(errno));
        apply_winsize(sp.rows, sp.cols);
        S.out_fd[1] = S.master;
        S.in_fd = S.master;
    } else {
        int p[2];
        if (sp.flags & XF_STDIN) {
            if (pipe2(p, O_CLOEXEC) < 0)
                refuse(sock, errno, "pipe: %s", strerror(errno));
            in_r = p[0];
            S.in_fd = p[1];
        }
        if (pipe2(p, O_CLOEXEC) < 0)
            refuse(sock, errno, "pipe: %s", strerror(errno));
        S.out_fd[1] = p[0];
        out_w = p[1];
        if (!(sp.flags & XF_MERGE)) {
            if (pipe2(p, O_CLOEXEC) < 0)
                refuse(sock, errno, "pipe: %s", strerror(errno));
            S.out_fd[2] = p[0];
            err_w = p[1];
        }
    }
    if (!(sp.flags & XF_STDIN))
        S.in_done = 1;
    if (pipe2(ep, O_CLOEXEC) < 0)
        refuse(sock, errno, "pipe: %s", strerror(errno));
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    S.sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (S.sfd < 0)
        refuse(sock, errno, "signalfd: %s", strerror(errno));

    S.pid = fork();
    if (S.pid < 0)
        refuse(sock, errno, "fork: %s", strerror(errno));
    if (S.pid == 0)
        child(&sp, ep[1], in_r, out_w, err_w);
    close(ep[1]);
    if (in_r >= 0) close(in_r);
    if (out_w >= 0) close(out_w);
    if (err_w >= 0) close(err_w);

    int32_t rep[2];
    if (read_full(ep[0], rep, sizeof rep) == 1) {
        while (waitpid(S.pid, NULL, 0) < 0 && errno == EINTR)
            ;
        int step = rep[0], en = rep[1];
        const char *es = strerror(en);
        switch (step) {
        case S_EXEC: refuse(sock, en, "exec %s: %s", g_argv[0], es);
        case S_CHDIR: refuse(sock, en, "chdir %s: %s", sp.cwd, es);
        case S_SETUID: refuse(sock, en, "setuid %u: %s", (unsigned)sp.user.uid, es);
        case S_SETGID: refuse(sock, en, "setgid %u: %s", (unsigned)sp.user.gid, es);
        case S_PTY: refuse(sock, en, "open %s: %s", sp.slave, es);
        default: refuse(sock, en, "%s: %s", step_name(step), es);
        }
    }
    close(ep[0]);

    unsigned char b[8];
    st32(b, (uint32_t)S.pid);
    st32(b + 4, (sp.flags & XF_STDIN) ? STDIN_WINDOW : 0);
    if (wire_send(sock, T_STARTED, b, sizeof b) < 0)
        host_gone();
    set_nonblock(sock);
    for (int s = 1; s <= 2; s++)
        if (S.out_fd[s] >= 0)
            set_nonblock(S.out_fd[s]);
    if (S.in_fd >= 0)
        set_nonblock(S.in_fd);
    run();
}
