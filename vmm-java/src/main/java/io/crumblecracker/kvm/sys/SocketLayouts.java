package io.crumblecracker.kvm.sys;

/**
 * Constants, sizes and offsets of the x86-64 glibc socket structures {@link UnixSocket} builds by hand:
 * {@code struct msghdr}, {@code struct iovec}, {@code struct cmsghdr} and {@code struct sockaddr_un}.
 *
 * <pre>
 * struct msghdr (56)          struct cmsghdr (16 + data)     struct sockaddr_un (110)
 *   0 msg_name       ptr        0 cmsg_len    size_t           0 sun_family  u16
 *   8 msg_namelen    u32        8 cmsg_level  int              2 sun_path    char[108]
 *  16 msg_iov        ptr       12 cmsg_type   int
 *  24 msg_iovlen     size_t    16 data (fds: int[n], padded to 8)
 *  32 msg_control    ptr
 *  40 msg_controllen size_t
 *  48 msg_flags      int
 * </pre>
 *
 * <p>The vhost test suite compiles a C oracle and checks every public value here against the host's headers.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7), SCM_RIGHTS</a>
 * @see <a href="https://man7.org/linux/man-pages/man3/cmsg.3.html">cmsg(3)</a>
 */
public final class SocketLayouts {

    /** {@code AF_UNIX}. */
    public static final int AF_UNIX = 1;
    /** {@code SOCK_STREAM}. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_CLOEXEC}. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** {@code SOL_SOCKET}. */
    public static final int SOL_SOCKET = 1;
    /** {@code SCM_RIGHTS}. */
    public static final int SCM_RIGHTS = 1;
    /** {@code MSG_CTRUNC}: the kernel dropped control data (file descriptors) that did not fit. */
    public static final int MSG_CTRUNC = 0x8;
    /** {@code MSG_NOSIGNAL}: no SIGPIPE when the peer has gone. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** {@code MSG_CMSG_CLOEXEC}: received descriptors are close-on-exec. */
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** {@code SHUT_RDWR}. */
    public static final int SHUT_RDWR = 2;

    /** {@code sizeof(struct msghdr)}. */
    public static final int MSGHDR_SIZE = 56;
    /** {@code offsetof(struct msghdr, msg_iov)}. */
    public static final int MSGHDR_IOV = 16;
    /** {@code offsetof(struct msghdr, msg_iovlen)}. */
    public static final int MSGHDR_IOVLEN = 24;
    /** {@code offsetof(struct msghdr, msg_control)}. */
    public static final int MSGHDR_CONTROL = 32;
    /** {@code offsetof(struct msghdr, msg_controllen)}. */
    public static final int MSGHDR_CONTROLLEN = 40;
    /** {@code offsetof(struct msghdr, msg_flags)}. */
    public static final int MSGHDR_FLAGS = 48;
    /** {@code sizeof(struct iovec)}. */
    public static final int IOVEC_SIZE = 16;
    /** {@code offsetof(struct iovec, iov_len)}. */
    public static final int IOVEC_LEN = 8;
    /** {@code sizeof(struct cmsghdr)}, which is also {@code CMSG_LEN(0)}. */
    public static final int CMSGHDR_SIZE = 16;
    /** {@code offsetof(struct cmsghdr, cmsg_level)}. */
    public static final int CMSGHDR_LEVEL = 8;
    /** {@code offsetof(struct cmsghdr, cmsg_type)}. */
    public static final int CMSGHDR_TYPE = 12;
    /** {@code sizeof(struct sockaddr_un)}. */
    public static final int SOCKADDR_UN_SIZE = 110;
    /** {@code offsetof(struct sockaddr_un, sun_path)}. */
    public static final int SOCKADDR_UN_PATH = 2;

    private SocketLayouts() {
    }

    /** {@code CMSG_SPACE(bytes)}: a control message with {@code bytes} of data, padded to 8. */
    public static int cmsgSpace(final int bytes) {
        return CMSGHDR_SIZE + ((bytes + 7) & ~7);
    }

    /** {@code CMSG_LEN(bytes)}: the {@code cmsg_len} of a control message with {@code bytes} of data. */
    public static int cmsgLen(final int bytes) {
        return CMSGHDR_SIZE + bytes;
    }
}
