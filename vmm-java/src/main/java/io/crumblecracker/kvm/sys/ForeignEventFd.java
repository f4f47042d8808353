package io.crumblecracker.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An eventfd (or, as vhost-user allows, a pipe end) that another process created and passed to us, such
 * as a vhost-user front-end's kick or call descriptor. Owns the descriptor from construction: it is made
 * non-blocking, so a descriptor of the wrong kind can never block a worker thread, and closed by
 * {@link #close}.
 *
 * <p>Thread safety: {@link #signal} from any thread; {@link #drain} from one consumer thread, and
 * {@link #close} only once that consumer has stopped.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class ForeignEventFd implements AutoCloseable {

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
    private final MemorySegment counter = arena.allocate(ValueLayout.JAVA_LONG);
    private boolean closed;

    /** Takes ownership of {@code fd}; closes it if it cannot be made non-blocking. */
    public ForeignEventFd(final int fd) {
        try {
            FileDescriptors.setNonBlocking(fd);
        } catch (final RuntimeException e) {
            FileDescriptors.closeQuietly(fd);
            arena.close();
            throw e;
        }
        this.fd = fd;
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    /** The descriptor, for a poll set. */
    public int fd() {
        return fd;
    }

    /** Adds one to the counter; returns 0 or {@code -errno} (EAGAIN: the counter is saturated, fine). */
    public synchronized long signal() {
        if (closed) {
            return -Errno.EINVAL;
        }
        final long rc = Libc.writeRaw(fd, one);
        return rc < 0 ? rc : 0;
    }

    /**
     * Reads and resets the counter (for a pipe: consumes up to 8 pending bytes).
     *
     * @return the count (at least 1), 0 if nothing was pending, {@code -errno} on failure, or
     *         {@link Long#MIN_VALUE} at end of file (a pipe whose writer closed)
     */
    public long drain() {
        final long rc = Libc.readRaw(fd, counter);
        if (rc == -Errno.EAGAIN) {
            return 0;
        }
        if (rc == 0) {
            return Long.MIN_VALUE;
        }
        return rc < 0 ? rc : Math.max(1, counter.get(ValueLayout.JAVA_LONG, 0));
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            FileDescriptors.closeQuietly(fd);
            arena.close();
        }
    }
}
