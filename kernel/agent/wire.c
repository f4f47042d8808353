/*
 * wire.c - frame encoding and decoding for docs/agent-protocol.md
 * ("Framing": 8-byte header, u32 length <= MAX_BODY, u16 type, u16 reserved
 * = 0; composite fields `str`, `strs`, `bytes`).
 *
 * The cursor never reads outside its body: every accessor checks the bytes
 * left first and marks the cursor short instead. Strings are NUL-terminated
 * in place so that the body buffer is the only storage a request needs.
 * See read(2), write(2), send(2) for the I/O calls.
 */
#define _GNU_SOURCE
#include "wire.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void cur_init(struct cursor *c, unsigned char *body, size_t len)
{
    c->p = body; c->len = len; c->pos = 0; c->short_ = 0; c->nul = 0;
}

/* Returns a pointer to n bytes at the cursor and advances, or NULL (short). */
static unsigned char *take(struct cursor *c, size_t n)
{
    if (c->short_ || n > c->len - c->pos) {
        c->short_ = 1;
        return NULL;
    }
    unsigned char *r = c->p + c->pos;
    c->pos += n;
    return r;
}

uint8_t cur_u8(struct cursor *c) { unsigned char *b = take(c, 1); return b ? b[0] : 0; }
uint16_t cur_u16(struct cursor *c) { unsigned char *b = take(c, 2); return b ? le16(b) : 0; }
uint32_t cur_u32(struct cursor *c) { unsigned char *b = take(c, 4); return b ? le32(b) : 0; }
uint64_t cur_u64(struct cursor *c) { unsigned char *b = take(c, 8); return b ? le64(b) : 0; }

char *cur_str(struct cursor *c, size_t *lenp)
{
    static char empty[1];
    if (lenp)
        *lenp = 0;
    unsigned char *lp = take(c, 4);
    if (!lp)
        return empty;
    uint32_t n = le32(lp);
    unsigned char *s = take(c, n);
    if (!s)
        return empty;
    /* Move the bytes one down, over the last byte of the (consumed) length
     * prefix, and terminate where the last byte was: nothing after the
     * string is touched. */
    char *d = (char *)lp + 3;
    memmove(d, s, n);
    d[n] = '\0';
    if (memchr(d, '\0', n))
        c->nul = 1;
    if (lenp)
        *lenp = n;
    return d;
}

unsigned char *cur_rest(struct cursor *c, size_t *lenp)
{
    size_t n = c->short_ ? 0 : c->len - c->pos;
    unsigned char *r = c->p + c->pos;
    c->pos += n;
    *lenp = n;
    return r;
}

int cur_end(const struct cursor *c) { return !c->short_ && c->pos == c->len; }

void ob_init(struct obuf *o, unsigned char *buf, size_t cap)
{
    o->p = buf; o->cap = cap; o->len = 0; o->overflow = 0;
}

static unsigned char *room(struct obuf *o, size_t n)
{
    if (o->overflow || n > o->cap - o->len) {
        o->overflow = 1;
        return NULL;
    }
    unsigned char *r = o->p + o->len;
    o->len += n;
    return r;
}

void ob_u8(struct obuf *o, uint8_t v) { unsigned char *b = room(o, 1); if (b) b[0] = v; }
void ob_u16(struct obuf *o, uint16_t v) { unsigned char *b = room(o, 2); if (b) st16(b, v); }
void ob_u32(struct obuf *o, uint32_t v) { unsigned char *b = room(o, 4); if (b) st32(b, v); }
void ob_u64(struct obuf *o, uint64_t v) { unsigned char *b = room(o, 8); if (b) st64(b, v); }
void ob_bytes(struct obuf *o, const void *s, size_t n)
{
    unsigned char *b = room(o, n);
    if (b && n)
        memcpy(b, s, n);
}
void ob_str(struct obuf *o, const char *s, size_t n)
{
    if (n > UINT32_MAX) {
        o->overflow = 1;
        return;
    }
    ob_u32(o, (uint32_t)n);
    ob_bytes(o, s, n);
}

int read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0) {
            if (got == 0)
                return 0;
            errno = EPROTO;
            return -1;
        }
        got += (size_t)r;
    }
    return 1;
}

int write_full(int fd, const void *buf, size_t n)
{
    size_t done = 0;
    int sock = 1;
    while (done < n) {
        ssize_t r = sock ? send(fd, (const char *)buf + done, n - done, MSG_NOSIGNAL)
                         : write(fd, (const char *)buf + done, n - done);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (sock && errno == ENOTSOCK) {
                sock = 0;
                continue;
            }
            return -1;
        }
        done += (size_t)r;
    }
    return 0;
}

int wire_read_frame(int fd, uint16_t *type, unsigned char *body, uint32_t max,
                    uint32_t *len, char *msg, size_t msglen)
{
    unsigned char h[FRAME_HDR];
    int r = read_full(fd, h, sizeof h);
    if (r == 0)
        return RF_EOF;
    if (r < 0) {
        if (errno == EPROTO) {
            snprintf(msg, msglen, "truncated frame header");
            return RF_PROTO;
        }
        return RF_IO;
    }
    uint32_t n = le32(h);
    *type = le16(h + 4);
    *len = n;
    if (le16(h + 6) != 0) {
        snprintf(msg, msglen, "frame type 0x%04x: reserved field is %u, not 0", *type, le16(h + 6));
        return RF_PROTO;
    }
    if (n > max) {
        snprintf(msg, msglen, "frame type 0x%04x: length %u exceeds the maximum %u", *type, n, max);
        return RF_PROTO;
    }
    if (n == 0)
        return RF_OK;
    r = read_full(fd, body, n);
    if (r <= 0) {
        if (r == 0 || errno == EPROTO) {
            snprintf(msg, msglen, "frame type 0x%04x: connection ended inside a %u-byte body", *type, n);
            return RF_PROTO;
        }
        return RF_IO;
    }
    return RF_OK;
}

int wire_send(int fd, uint16_t type, const void *body, size_t len)
{
    unsigned char h[FRAME_HDR];
    if (len > MAX_BODY) {
        errno = EMSGSIZE;
        return -1;
    }
    wire_hdr(h, (uint32_t)len, type);
    /* One write for small frames so a frame is not split needlessly. */
    if (len <= 4096) {
        unsigned char b[FRAME_HDR + 4096];
        memcpy(b, h, FRAME_HDR);
        if (len)
            memcpy(b + FRAME_HDR, body, len);
        return write_full(fd, b, FRAME_HDR + len);
    }
    if (write_full(fd, h, sizeof h) < 0)
        return -1;
    return write_full(fd, body, len);
}

int wire_send_ok(int fd) { return wire_send(fd, T_OK, NULL, 0); }

int wire_send_error(int fd, int err, const char *fmt, ...)
{
    char msg[4096];
    unsigned char body[4 + 4 + sizeof msg];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof msg)
        n = sizeof msg - 1;
    struct obuf o;
    ob_init(&o, body, sizeof body);
    ob_u32(&o, (uint32_t)err);
    ob_str(&o, msg, (size_t)n);
    return wire_send(fd, T_ERROR, body, o.len);
}

void wire_linger_close(int fd, long ms)
{
    static unsigned char sink[16384];
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    shutdown(fd, SHUT_WR);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = ms - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0)
            break;
        struct pollfd p = { fd, POLLIN, 0 };
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            break;
    }
    close(fd);
}
