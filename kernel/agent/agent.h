/*
 * agent.h - the interfaces between the agent's modules and the little state
 * they share. The protocol itself is docs/agent-protocol.md; wire.h has its
 * constants.
 *
 *   main.c    modes (PID 1, --listen-unix, --listen-vsock), accept loop,
 *             fork per connection, reaping
 *   conn.c    one connection: handshake, then EXEC or file/control requests
 *   exec.c    an EXEC session
 *   files.c   file and control requests
 *   users.c   user/group resolution from /etc/passwd and /etc/group
 *   rootfs.c  /crumble/config and the building of the container root
 *   ready.c   READY / CLOCK connection to the host
 *   sys.c     logging, fatal errors, shutdown/reset, small fd helpers
 */
#ifndef CRUMBLE_AGENT_H
#define CRUMBLE_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire.h"

#define AGENT_NAME "crumble-agent"

/* ---- shared state (set by main before the first fork) ---- */
enum agent_mode {
    MODE_PID1,    /* /init in a VM: builds the root, real SHUTDOWN */
    MODE_VSOCK,   /* --listen-vsock PORT: serve only (debugging in a VM) */
    MODE_UNIX,    /* --listen-unix PATH: host process for tests and benchmarks */
};
extern enum agent_mode g_mode;
extern pid_t g_listener_pid;   /* the accept loop's pid */

/* ---- sys.c ---- */
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "crumble-agent: fatal: <what>: <strerror(err)>" to the console and
 * resets the VM; never returns (PID 1 must not exit). */
__attribute__((noreturn)) void fatal(const char *what, int err);
/* The SHUTDOWN sequence of the spec; never returns in PID-1 mode. In the other
 * modes it only stops the listener (never kill(-1) on a host). */
void power_shutdown(void);
/* Opens /dev/console as the log destination (and 0/1/2 if they are closed). */
void sys_open_console(void);
/* Makes sure fds 0, 1 and 2 are open (on /dev/null if nothing else). */
void sys_ensure_stdio(void);
int set_nonblock(int fd);
void sleep_ms(long ms);

/* ---- conn.c ---- */
__attribute__((noreturn)) void conn_serve(int fd);
/* Shared buffers of a connection process (bss: cost nothing until used). */
extern unsigned char g_in[MAX_BODY];
extern unsigned char g_out[FRAME_HDR + MAX_BODY];

/* ---- exec.c ---- */
struct cursor;
/* Runs an EXEC request to the end of the connection; exits the process. */
__attribute__((noreturn)) void exec_session(int fd, struct cursor *req);

/* ---- files.c ---- */
void files_init(void);
/* Handles one file/control request. 0: replied (the named reply or ERROR);
 * -1: protocol error (the caller sends ERROR EPROTO with msg and closes);
 * -2: the connection failed while replying. */
int files_request(int fd, uint16_t type, struct cursor *req, char *msg, size_t msglen);

/* ---- users.c ---- */
struct user_ids {
    uid_t uid;
    gid_t gid;
    size_t ngroups;
    gid_t *groups;            /* supplementary groups (static storage) */
    char home[4096];          /* "" if the user has no passwd entry */
};
/* Resolves `user` of EXEC ("", name, uid, name:group, uid:gid). Returns 0, or
 * an errno with a message in err. "" is the agent's own uid. */
int users_resolve(const char *spec, struct user_ids *out, char *err, size_t errlen);

/* ---- rootfs.c ---- */
struct agent_config {
    char hostname[65];
    char root_device[256];
    char root_fstype[64];
    char upper_size[64];
    unsigned agent_port;
    unsigned ready_port;
    /* Not part of the protocol: for testing the PID-1 path without a VM
     * (test/pid1_test.py). Listen on this UNIX socket path (inside the
     * container root) instead of vsock, and send no READY. */
    char debug_listen_unix[108];
};
void config_defaults(struct agent_config *c);
/* Reads key=value lines; returns 0, or -1 with errno if the file cannot be read. */
int config_load(const char *path, struct agent_config *c);
/* Steps 1-6 of "Building the root" except listening/READY; fatal() on error. */
void rootfs_build(const struct agent_config *c);

/* ---- ready.c ---- */
/* Forks the process that sends READY to CID 2 and applies CLOCK frames. */
void ready_start(unsigned port);

/* ---- vsock (no linux/vm_sockets.h in musl's include path) ---- */
#define VMADDR_CID_ANY  0xFFFFFFFFu
#define VMADDR_CID_HOST 2u
struct sockaddr_vm_ {
    unsigned short svm_family;
    unsigned short svm_reserved1;
    unsigned int svm_port;
    unsigned int svm_cid;
    unsigned char svm_flags;
    unsigned char svm_zero[3];
};

#endif
