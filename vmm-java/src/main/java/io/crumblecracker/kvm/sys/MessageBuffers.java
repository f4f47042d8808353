package io.crumblecracker.kvm.sys;

import static io.crumblecracker.kvm.sys.SocketLayouts.CMSGHDR_LEVEL;
import static io.crumblecracker.kvm.sys.SocketLayouts.CMSGHDR_SIZE;
import static io.crumblecracker.kvm.sys.SocketLayouts.CMSGHDR_TYPE;
import static io.crumblecracker.kvm.sys.SocketLayouts.IOVEC_LEN;
import static io.crumblecracker.kvm.sys.SocketLayouts.IOVEC_SIZE;
import static io.crumblecracker.kvm.sys.SocketLayouts.MSGHDR_CONTROL;
import static io.crumblecracker.kvm.sys.SocketLayouts.MSGHDR_CONTROLLEN;
import static io.crumblecracker.kvm.sys.SocketLayouts.MSGHDR_FLAGS;
import static io.crumblecracker.kvm.sys.SocketLayouts.MSGHDR_IOV;
import static io.crumblecracker.kvm.sys.SocketLayouts.MSGHDR_IOVLEN;
import static io.crumblecracker.kvm.sys.SocketLayouts.MSGHDR_SIZE;
import static io.crumblecracker.kvm.sys.SocketLayouts.SCM_RIGHTS;
import static io.crumblecracker.kvm.sys.SocketLayouts.SOL_SOCKET;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * One direction's native scratch for {@code recvmsg}/{@code sendmsg}: a {@code msghdr}, one {@code iovec},
 * a control buffer for {@code SCM_RIGHTS} and a data buffer, allocated once. Control messages are parsed
 * defensively: a {@code cmsg_len} that is too small or runs past the control length ends the walk.
 *
 * <p>Not thread safe: {@link UnixSocket} guards each instance with its own lock.
 */
final class MessageBuffers {

    private static final MethodHandle RECVMSG = Native.downcallWithErrno("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMSG = Native.downcallWithErrno("sendmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment header = arena.allocate(MSGHDR_SIZE, 8);
    private final MemorySegment iovec = arena.allocate(IOVEC_SIZE, 8);
    private final MemorySegment control;
    private final MemorySegment data = arena.allocate(UnixSocket.SCRATCH_BYTES, 8);

    MessageBuffers(final int controlBytes) {
        this.control = arena.allocate(controlBytes, 8);
    }

    UnixSocket.Received receive(final int fd, final byte[] dst, final int offset, final int length) {
        prepare(length, control.byteSize());
        final MemorySegment state = Native.errnoState();
        long n;
        do {
            try {
                n = (long) RECVMSG.invokeExact(state, fd, header,
                        SocketLayouts.MSG_CMSG_CLOEXEC);
            } catch (final Throwable t) {
                throw UnixSocket.rethrow("recvmsg", t);
            }
        } while (n < 0 && Native.errno(state) == Errno.EINTR);
        if (n < 0) {
            throw new NativeException("recvmsg", Native.errno(state));
        }
        final int[] fds = descriptors(header.get(JAVA_LONG, MSGHDR_CONTROLLEN));
        final boolean truncated = (header.get(JAVA_INT, MSGHDR_FLAGS) & SocketLayouts.MSG_CTRUNC) != 0;
        MemorySegment.copy(data, JAVA_BYTE, 0, dst, offset, (int) n);
        return new UnixSocket.Received((int) n, fds, truncated);
    }

    int send(final int fd, final byte[] src, final int offset, final int length, final int[] fds) {
        MemorySegment.copy(src, offset, data, JAVA_BYTE, 0, length);
        final int fdBytes = fds.length * Integer.BYTES;
        final long controlLength = fds.length == 0 ? 0 : SocketLayouts.cmsgSpace(fdBytes);
        prepare(length, controlLength);
        if (fds.length > 0) {
            control.set(JAVA_LONG, 0, SocketLayouts.cmsgLen(fdBytes));
            control.set(JAVA_INT, CMSGHDR_LEVEL, SOL_SOCKET);
            control.set(JAVA_INT, CMSGHDR_TYPE, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                control.setAtIndex(JAVA_INT, CMSGHDR_SIZE / Integer.BYTES + i, fds[i]);
            }
        } else {
            header.set(ADDRESS, MSGHDR_CONTROL, MemorySegment.NULL);
        }
        final MemorySegment state = Native.errnoState();
        long n;
        do {
            try {
                n = (long) SENDMSG.invokeExact(state, fd, header, SocketLayouts.MSG_NOSIGNAL);
            } catch (final Throwable t) {
                throw UnixSocket.rethrow("sendmsg", t);
            }
        } while (n < 0 && Native.errno(state) == Errno.EINTR);
        if (n < 0) {
            throw new NativeException("sendmsg", Native.errno(state));
        }
        return (int) n;
    }

    void close() {
        arena.close();
    }

    private void prepare(final int length, final long controlLength) {
        header.fill((byte) 0);
        iovec.set(ADDRESS, 0, data);
        iovec.set(JAVA_LONG, IOVEC_LEN, length);
        header.set(ADDRESS, MSGHDR_IOV, iovec);
        header.set(JAVA_LONG, MSGHDR_IOVLEN, 1L);
        header.set(ADDRESS, MSGHDR_CONTROL, control);
        header.set(JAVA_LONG, MSGHDR_CONTROLLEN, controlLength);
    }

    /** Walks the control messages the kernel wrote; collects every {@code SCM_RIGHTS} descriptor. */
    private int[] descriptors(final long controlLength) {
        final long length = Math.min(controlLength, control.byteSize());
        int[] fds = new int[0];
        long offset = 0;
        while (offset + CMSGHDR_SIZE <= length) {
            final long cmsgLen = control.get(JAVA_LONG, offset);
            if (cmsgLen < CMSGHDR_SIZE || cmsgLen > length - offset) {
                break;
            }
            if (control.get(JAVA_INT, offset + CMSGHDR_LEVEL) == SOL_SOCKET
                    && control.get(JAVA_INT, offset + CMSGHDR_TYPE) == SCM_RIGHTS) {
                final int count = (int) ((cmsgLen - CMSGHDR_SIZE) / Integer.BYTES);
                final int base = fds.length;
                fds = Arrays.copyOf(fds, base + count);
                for (int i = 0; i < count; i++) {
                    fds[base + i] = control.get(JAVA_INT, offset + CMSGHDR_SIZE + (long) i * Integer.BYTES);
                }
            }
            offset += (cmsgLen + 7) & ~7L;
        }
        return fds;
    }
}
