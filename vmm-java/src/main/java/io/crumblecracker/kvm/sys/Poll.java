package io.crumblecracker.kvm.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A reusable {@code poll(2)} set over file descriptors waiting for input (eventfds), for worker threads
 * that sleep until a guest notification arrives. Allocates only at construction.
 *
 * <p>Not thread safe: one waiting thread owns it.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/poll.2.html">poll(2)</a>
 */
public final class Poll implements AutoCloseable {

    private static final int POLLFD_SIZE = 8;
    private static final short POLLIN = 0x1;
    private static final MethodHandle POLL = Native.downcallWithErrno("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds;
    private final int count;

    /** A set waiting for input on each of {@code fileDescriptors}. */
    public Poll(final int... fileDescriptors) {
        this.count = fileDescriptors.length;
        this.fds = arena.allocate((long) POLLFD_SIZE * Math.max(1, count), 8);
        for (int i = 0; i < count; i++) {
            fds.set(ValueLayout.JAVA_INT, (long) i * POLLFD_SIZE, fileDescriptors[i]);
            fds.set(ValueLayout.JAVA_SHORT, (long) i * POLLFD_SIZE + 4, POLLIN);
        }
    }

    /**
     * Waits until at least one descriptor is readable or {@code timeoutMillis} passes (-1: forever).
     *
     * @return the number of ready descriptors, 0 on timeout or EINTR
     */
    public int await(final int timeoutMillis) {
        final MemorySegment state = Native.errnoState();
        final int ready;
        try {
            ready = (int) POLL.invokeExact(state, fds, (long) count, timeoutMillis);
        } catch (final Throwable t) {
            throw new IllegalStateException("native call poll could not be invoked", t);
        }
        if (ready < 0) {
            final int errno = Native.errno(state);
            if (errno == Errno.EINTR) {
                return 0;
            }
            throw new NativeException("poll", errno);
        }
        return ready;
    }

    /** True if descriptor {@code index} was readable at the last {@link #await}. */
    public boolean readable(final int index) {
        return (fds.get(ValueLayout.JAVA_SHORT, (long) index * POLLFD_SIZE + 6) & POLLIN) != 0;
    }

    @Override
    public void close() {
        arena.close();
    }
}
