/*
 * wire.h - the framed protocol of docs/agent-protocol.md ("Framing", "Types"):
 * constants, a bounds-checked body parser (struct cursor), a body builder
 * (struct obuf) and blocking frame I/O for request/reply connections.
 *
 * All integers on the wire are little-endian. Every count and length that
 * comes from the wire is checked against what is left of the body before it
 * is used; a cursor that ran short stays failed, so callers check once at the
 * end (cur_end) and answer EPROTO.
 */
#ifndef CRUMBLE_WIRE_H
#define CRUMBLE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define AGENT_MAGIC      0x424D5243u  /* "CRMB" read as bytes */
#define AGENT_VERSION    1
#define FRAME_HDR        8
#define MAX_BODY         (1024u * 1024u + 4096u)   /* 1,052,672 */
#define MAX_IO           (1024u * 1024u)           /* PREAD length, PWRITE bytes */
#define MAX_STRS         65536u                    /* strs count */
#define MAX_DATA         65536u                    /* DATA bytes per frame */
#define MAX_HANDLES      1024

enum frame_type {
    T_HELLO = 0x0001, T_ERROR = 0x0002, T_OK = 0x0003, T_PING = 0x0004,
    T_EXEC = 0x0010, T_STARTED = 0x0011, T_DATA = 0x0012, T_ACK = 0x0013,
    T_EOF = 0x0014, T_SIGNAL = 0x0015, T_RESIZE = 0x0016, T_EXIT = 0x0017,
    T_STAT = 0x0020, T_STAT_REPLY = 0x0021, T_READDIR = 0x0022,
    T_DIR_ENTRIES = 0x0023, T_DIR_END = 0x0024, T_OPEN = 0x0025,
    T_HANDLE = 0x0026, T_PREAD = 0x0027, T_DATA_REPLY = 0x0028,
    T_PWRITE = 0x0029, T_COUNT = 0x002A, T_FSTAT = 0x002B,
    T_FTRUNCATE = 0x002C, T_FSYNC = 0x002D, T_CLOSE = 0x002E,
    T_MKDIR = 0x0030, T_REMOVE = 0x0031, T_RENAME = 0x0032,
    T_SYMLINK = 0x0033, T_READLINK = 0x0034, T_PATH_REPLY = 0x0035,
    T_LINK = 0x0036, T_CHMOD = 0x0037, T_CHOWN = 0x0038, T_UTIMES = 0x0039,
    T_ACCESS = 0x003A, T_REALPATH = 0x003B, T_STATFS = 0x003C,
    T_STATFS_REPLY = 0x003D, T_TRUNCATE = 0x003E, T_SYNC = 0x003F,
    T_KILL = 0x0040, T_SHUTDOWN = 0x0050, T_READY = 0x0060, T_CLOCK = 0x0061,
};

/* Little-endian load/store (the agent only runs on x86-64, but be explicit). */
static inline uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static inline void st16(unsigned char *p, uint16_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static inline void st32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}
static inline void st64(unsigned char *p, uint64_t v) { st32(p, (uint32_t)v); st32(p + 4, (uint32_t)(v >> 32)); }

/* Writes a frame header (length, type, reserved 0) at p. */
static inline void wire_hdr(unsigned char *p, uint32_t len, uint16_t type)
{
    st32(p, len); st16(p + 4, type); st16(p + 6, 0);
}

/* ---- body parser ---- */
struct cursor {
    unsigned char *p;   /* body; strings are NUL-terminated in place (see cur_str) */
    size_t len, pos;
    int short_;         /* a field ran past the end of the body */
    int nul;            /* some str had a NUL byte inside (EINVAL, not EPROTO) */
};

void cur_init(struct cursor *c, unsigned char *body, size_t len);
uint8_t cur_u8(struct cursor *c);
uint16_t cur_u16(struct cursor *c);
uint32_t cur_u32(struct cursor *c);
uint64_t cur_u64(struct cursor *c);
static inline int32_t cur_i32(struct cursor *c) { return (int32_t)cur_u32(c); }
static inline int64_t cur_i64(struct cursor *c) { return (int64_t)cur_u64(c); }
/* A `str`: returns a NUL-terminated copy made in place (the bytes move down
 * over the last byte of their length prefix, which has been read already), or
 * "" after a short body. *lenp gets the byte count if lenp is not NULL. */
char *cur_str(struct cursor *c, size_t *lenp);
/* The rest of the body (`bytes`). */
unsigned char *cur_rest(struct cursor *c, size_t *lenp);
/* 1 if every field was present and nothing is left over. */
int cur_end(const struct cursor *c);

/* ---- body builder ---- */
struct obuf {
    unsigned char *p;
    size_t cap, len;
    int overflow;
};
void ob_init(struct obuf *o, unsigned char *buf, size_t cap);
void ob_u8(struct obuf *o, uint8_t v);
void ob_u16(struct obuf *o, uint16_t v);
void ob_u32(struct obuf *o, uint32_t v);
void ob_u64(struct obuf *o, uint64_t v);
void ob_bytes(struct obuf *o, const void *b, size_t n);
void ob_str(struct obuf *o, const char *s, size_t n);

/* ---- blocking frame I/O ---- */
/* Reads exactly n bytes. 1: done; 0: end of stream before the first byte;
 * -1: error or end of stream in the middle (errno EPROTO for the latter). */
int read_full(int fd, void *buf, size_t n);
/* Writes all n bytes (MSG_NOSIGNAL on sockets, write(2) otherwise). 0 or -1. */
int write_full(int fd, const void *buf, size_t n);

enum { RF_OK = 0, RF_EOF = 1, RF_IO = 2, RF_PROTO = 3 };
/* Reads one frame into body (capacity cap >= the largest body accepted).
 * RF_PROTO: length above max or reserved != 0; msg says which (the body was
 * not read, so the connection cannot continue). */
int wire_read_frame(int fd, uint16_t *type, unsigned char *body, uint32_t max,
                    uint32_t *len, char *msg, size_t msglen);
int wire_send(int fd, uint16_t type, const void *body, size_t len);
int wire_send_ok(int fd);
/* Ends a connection gracefully: shuts our sending side down, then discards
 * what the peer still sends until it closes or ms pass, so that it reads our
 * last frames and a clean end of stream rather than a reset. Closes fd. */
void wire_linger_close(int fd, long ms);
/* ERROR: i32 errno, str message (printf format, truncated to 4 KiB). */
int wire_send_error(int fd, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
