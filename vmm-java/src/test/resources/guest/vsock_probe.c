/*
 * vsock_probe: the guest side of QemuVsockNetTest. Built by the test with `musl-gcc -static -Os`.
 *
 *   1. connects AF_VSOCK to the host (CID 2) port 5000, writes HELLO, reads the host's reply up to a newline
 *      and prints "VSOCK-REPLY <reply>";
 *   2. listens on AF_VSOCK port 6000, prints "VSOCK-LISTENING 6000", accepts one connection, echoes one line
 *      and prints "VSOCK-ECHOED <line>".
 *
 * Any failure prints "VSOCK-ERROR <step> <errno text>" and exits 1. alarm() bounds the whole run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

/* <linux/vm_sockets.h>, which musl does not ship. */
struct sockaddr_vm {
    sa_family_t svm_family;
    unsigned short svm_reserved1;
    unsigned int svm_port;
    unsigned int svm_cid;
    unsigned char svm_flags;
    unsigned char svm_zero[3];
};

#define VMADDR_CID_ANY 0xFFFFFFFFu
#define VMADDR_CID_HOST 2u
#define HOST_PORT 5000u
#define LISTEN_PORT 6000u
#define HELLO "hello-from-guest\n"

static int fail(const char *step) {
    printf("VSOCK-ERROR %s %s\n", step, strerror(errno));
    fflush(stdout);
    return 1;
}

static struct sockaddr_vm address(unsigned int cid, unsigned int port) {
    struct sockaddr_vm a;
    memset(&a, 0, sizeof a);
    a.svm_family = AF_VSOCK;
    a.svm_cid = cid;
    a.svm_port = port;
    return a;
}

/* Reads up to and including a newline (or EOF); returns the length, -1 on error. */
static int read_line(int fd, char *buf, int size) {
    int n = 0;
    while (n < size - 1) {
        ssize_t r = read(fd, buf + n, 1);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        if (r == 0) {
            break;
        }
        n++;
        if (buf[n - 1] == '\n') {
            break;
        }
    }
    buf[n] = '\0';
    return n;
}

static int write_all(int fd, const char *buf, int len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += w;
        len -= (int) w;
    }
    return 0;
}

static void chomp(char *s) {
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r')) {
        s[--len] = '\0';
    }
}

int main(void) {
    char buf[256];
    alarm(40);

    int fd = socket(AF_VSOCK, SOCK_STREAM, 0);
    if (fd < 0) {
        return fail("socket");
    }
    struct sockaddr_vm host = address(VMADDR_CID_HOST, HOST_PORT);
    if (connect(fd, (struct sockaddr *) &host, sizeof host) < 0) {
        return fail("connect");
    }
    if (write_all(fd, HELLO, (int) strlen(HELLO)) < 0) {
        return fail("write");
    }
    if (read_line(fd, buf, sizeof buf) < 0) {
        return fail("read");
    }
    close(fd);
    chomp(buf);
    printf("VSOCK-REPLY %s\n", buf);
    fflush(stdout);

    int listener = socket(AF_VSOCK, SOCK_STREAM, 0);
    if (listener < 0) {
        return fail("socket-listen");
    }
    struct sockaddr_vm any = address(VMADDR_CID_ANY, LISTEN_PORT);
    if (bind(listener, (struct sockaddr *) &any, sizeof any) < 0) {
        return fail("bind");
    }
    if (listen(listener, 1) < 0) {
        return fail("listen");
    }
    printf("VSOCK-LISTENING %u\n", LISTEN_PORT);
    fflush(stdout);
    struct sockaddr_vm peer;
    socklen_t peer_len = sizeof peer;
    int conn = accept(listener, (struct sockaddr *) &peer, &peer_len);
    if (conn < 0) {
        return fail("accept");
    }
    int n = read_line(conn, buf, sizeof buf);
    if (n < 0) {
        return fail("read-echo");
    }
    if (write_all(conn, buf, n) < 0) {
        return fail("write-echo");
    }
    close(conn);
    close(listener);
    chomp(buf);
    printf("VSOCK-ECHOED cid=%u %s\n", peer.svm_cid, buf);
    fflush(stdout);
    return 0;
}
