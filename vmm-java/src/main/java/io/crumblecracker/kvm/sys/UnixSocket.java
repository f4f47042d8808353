package io.crumblecracker.kvm.sys;

import static io.crumblecracker.kvm.sys.SocketLayouts.AF_UNIX;
import static io.crumblecracker.kvm.sys.SocketLayouts.SOCK_CLOEXEC;
import static io.crumblecracker.kvm.sys.SocketLayouts.SOCK_STREAM;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An {@code AF_UNIX} stream socket that can carry file descriptors ({@code SCM_RIGHTS}), which the JDK's
 * own UNIX-domain channels cannot. Used for vhost-user, whose front-end passes memory fds and eventfds.
 *
 * <p>Blocking calls ({@link #accept}, {@link #receive}) run on a platform thread of the caller's;
 * {@link #shutdown} from any other thread wakes them (they then report end of stream, or fail with
 * {@code EINVAL} for a listening socket). Descriptors arrive close-on-exec and belong to the caller.
 *
 * <p>Thread safety: one receiving thread and any number of sending threads; sends are serialised.
 * {@link #close} waits for a blocked receive, so call {@link #shutdown} first from another thread.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/unix.7.html">unix(7)</a>
 */
public final class UnixSocket implements AutoCloseable {

    /** The most descriptors one {@link #receive} accepts; more make the kernel truncate (and close) them. */
    public static final int MAX_FDS = 16;
    /** The most bytes one {@link #receive} or {@link #send} call moves at once. */
    public static final int SCRATCH_BYTES = 64 * 1024;

    /**
     * What one {@code recvmsg} delivered.
     *
     * @param bytes             data bytes copied to the caller's array; 0 means the peer closed
     * @param fds               descriptors that arrived with the data, now owned by the caller
     * @param controlTruncated  true if the kernel dropped descriptors because too many were sent
     */
    public record Received(int bytes, int[] fds, boolean controlTruncated) {
    }

    private static final int[] NO_FDS = new int[0];
    private static final int CONTROL_BYTES = SocketLayouts.cmsgSpace(MAX_FDS * Integer.BYTES);
    private static final MethodHandle SOCKET = Native.downcallWithErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = Native.downcallWithErrno("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = Native.downcallWithErrno("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = Native.downcallWithErrno("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Native.downcallWithErrno("listen",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Native.downcallWithErrno("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SHUTDOWN = Native.downcallWithErrno("shutdown",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private final int fd;
    private final Object receiveLock = new Object();
    private final Object sendLock = new Object();
    private final Object closeLock = new Object();
    private final MessageBuffers in = new MessageBuffers(CONTROL_BYTES);
    private final MessageBuffers out = new MessageBuffers(CONTROL_BYTES);
    private volatile boolean closed;

    private UnixSocket(final int fd) {
        this.fd = fd;
    }

    /** Creates, binds and listens on a socket at {@code path}, which must not exist yet. */
    public static UnixSocket listen(final Path path, final int backlog) {
        final UnixSocket socket = new UnixSocket(newSocket());
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment address = socketAddress(path, arena);
            final MemorySegment state = Native.errnoState();
            check((int) BIND.invokeExact(state, socket.fd, address, SocketLayouts.SOCKADDR_UN_SIZE), state,
                    "bind(" + path + ")");
            check((int) LISTEN.invokeExact(state, socket.fd, backlog), state, "listen(" + path + ")");
            return socket;
        } catch (final Throwable t) {
            socket.close();
            throw rethrow("bind/listen", t);
        }
    }

    /** Connects to the listening socket at {@code path}. */
    public static UnixSocket connect(final Path path) {
        final UnixSocket socket = new UnixSocket(newSocket());
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment address = socketAddress(path, arena);
            final MemorySegment state = Native.errnoState();
            check((int) CONNECT.invokeExact(state, socket.fd, address, SocketLayouts.SOCKADDR_UN_SIZE), state,
                    "connect(" + path + ")");
            return socket;
        } catch (final Throwable t) {
            socket.close();
            throw rethrow("connect", t);
        }
    }

    /** Two connected sockets ({@code socketpair(2)}), for tests and in-process peers. */
    public static UnixSocket[] pair() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment fds = arena.allocate(JAVA_INT, 2);
            final MemorySegment state = Native.errnoState();
            check((int) SOCKETPAIR.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), state,
                    "socketpair");
            return new UnixSocket[] {new UnixSocket(fds.get(JAVA_INT, 0)), new UnixSocket(fds.getAtIndex(JAVA_INT, 1))};
        } catch (final Throwable t) {
            throw rethrow("socketpair", t);
        }
    }

    /** Waits for one connection on this listening socket. */
    public UnixSocket accept() {
        final MemorySegment state = Native.errnoState();
        while (true) {
            final int client;
            try {
                client = (int) ACCEPT4.invokeExact(state, fd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
            } catch (final Throwable t) {
                throw rethrow("accept4", t);
            }
            if (client >= 0) {
                return new UnixSocket(client);
            }
            if (Native.errno(state) != Errno.EINTR) {
                throw new NativeException("accept4", Native.errno(state));
            }
        }
    }

    /** The file descriptor. */
    public int fd() {
        return fd;
    }

    /**
     * One {@code recvmsg} of up to {@code length} bytes into {@code dst[offset..]}, with any descriptors
     * that arrive. Blocks until data, end of stream or {@link #shutdown}.
     */
    public Received receive(final byte[] dst, final int offset, final int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        synchronized (receiveLock) {
            checkOpen();
            return in.receive(fd, dst, offset, Math.min(length, SCRATCH_BYTES));
        }
    }

    /** Sends all of {@code src[offset..offset+length)}; {@code fds} travel with the first byte. */
    public void send(final byte[] src, final int offset, final int length, final int... fds) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        if (fds.length > MAX_FDS) {
            throw new IllegalArgumentException("fds=" + fds.length + " exceeds " + MAX_FDS);
        }
        if (length == 0 && fds.length > 0) {
            throw new IllegalArgumentException("descriptors need at least one data byte to travel with");
        }
        synchronized (sendLock) {
            checkOpen();
            int sent = out.send(fd, src, offset, Math.min(length, SCRATCH_BYTES), fds);
            while (sent < length) {
                sent += out.send(fd, src, offset + sent, Math.min(length - sent, SCRATCH_BYTES), NO_FDS);
            }
        }
    }

    /** Shuts both directions down, waking a blocked {@link #accept} or {@link #receive}; idempotent. */
    public void shutdown() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            try {
                // ENOTCONN or a peer already gone are fine: the point is to wake waiters.
                final int ignored = (int) SHUTDOWN.invokeExact(Native.errnoState(), fd, SocketLayouts.SHUT_RDWR);
            } catch (final Throwable t) {
                throw rethrow("shutdown", t);
            }
        }
    }

    @Override
    public void close() {
        synchronized (receiveLock) {
            synchronized (sendLock) {
                synchronized (closeLock) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    try {
                        Libc.close(fd);
                    } finally {
                        in.close();
                        out.close();
                    }
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("socket fd=" + fd + " is closed");
        }
    }

    private static int newSocket() {
        final MemorySegment state = Native.errnoState();
        try {
            return check((int) SOCKET.invokeExact(state, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), state, "socket");
        } catch (final Throwable t) {
            throw rethrow("socket", t);
        }
    }

    private static MemorySegment socketAddress(final Path path, final Arena arena) {
        final byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        final int maxPath = SocketLayouts.SOCKADDR_UN_SIZE - SocketLayouts.SOCKADDR_UN_PATH - 1;
        if (bytes.length > maxPath) {
            throw new IllegalArgumentException("socket path is " + bytes.length + " bytes, the limit is " + maxPath
                    + ": " + path);
        }
        final MemorySegment address = arena.allocate(SocketLayouts.SOCKADDR_UN_SIZE, 8);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, SocketLayouts.SOCKADDR_UN_PATH, bytes.length);
        return address;
    }

    private static int check(final int rc, final MemorySegment state, final String call) {
        if (rc < 0) {
            throw new NativeException(call, Native.errno(state));
        }
        return rc;
    }

    static RuntimeException rethrow(final String call, final Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call " + call + " could not be invoked", t);
    }
}
