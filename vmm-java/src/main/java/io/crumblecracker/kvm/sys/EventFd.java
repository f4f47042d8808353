package io.crumblecracker.kvm.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Linux {@code eventfd}: the doorbell behind KVM's irqfd (host to guest interrupts) and ioeventfd
 * (guest queue notifications that need no exit).
 *
 * <p>Thread safety: {@link #signal} may be called from any thread and never allocates;
 * {@link #drain} is for a single consumer thread.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class EventFd implements AutoCloseable {

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
    private final MemorySegment counter = arena.allocate(ValueLayout.JAVA_LONG);
    private boolean closed;

    /** Creates a non-blocking, close-on-exec eventfd with counter 0. */
    public EventFd() {
        this.fd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
    }

    /** The file descriptor, for registering with KVM. */
    public int fd() {
        return fd;
    }

    /** Adds one to the counter, waking whoever waits on it. */
    public void signal() {
        final long rc = Libc.writeRaw(fd, one);
        if (rc < 0 && rc != -Errno.EAGAIN) {
            throw new NativeException("write(eventfd)", (int) -rc);
        }
    }

    /** Reads and resets the counter; returns 0 if it was already 0. */
    public long drain() {
        final long rc = Libc.readRaw(fd, counter);
        if (rc == -Errno.EAGAIN) {
            return 0;
        }
        if (rc < 0) {
            throw new NativeException("read(eventfd)", (int) -rc);
        }
        return counter.get(ValueLayout.JAVA_LONG, 0);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
            arena.close();
        }
    }
}
