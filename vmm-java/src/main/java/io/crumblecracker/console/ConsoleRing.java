package io.crumblecracker.console;

import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Hands console bytes from the vCPU threads (any of them may write the UART) to the one thread that
 * drains them to the user's sink, through an Agrona many-to-one ring buffer in off-heap memory.
 *
 * <p>Producers never allocate. When the ring is full the producing vCPU spins (yielding) until the
 * drainer makes room: a slow console slows the guest, as a real serial line does, and no byte is lost.
 * After {@link #close()} producers drop bytes instead of waiting.
 */
public final class ConsoleRing {

    private static final int MESSAGE_TYPE = 1;
    private static final int DEFAULT_CAPACITY = 64 * 1024;

    private final ManyToOneRingBuffer ring;
    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(1));
    private volatile boolean closed;

    /** A ring with 64 KiB of data capacity. */
    public ConsoleRing() {
        this(DEFAULT_CAPACITY);
    }

    /** A ring with {@code capacity} bytes of data space (a power of two). */
    public ConsoleRing(final int capacity) {
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** Publishes one byte; called on a vCPU thread. */
    public void put(final byte b) {
        final int index = ring.tryClaim(MESSAGE_TYPE, 1);
        if (index > 0) {
            ring.buffer().putByte(index, b);
            ring.commit(index);
            return;
        }
        putSlow(b);
    }

    /**
     * Drains up to {@code limit} bytes into {@code sink}; returns how many were drained.
     * Called by the single consumer thread.
     */
    public int drain(final ByteSink sink, final int limit) {
        return ring.read((type, buffer, index, length) -> {
            for (int i = 0; i < length; i++) {
                sink.accept(buffer.getByte(index + i));
            }
        }, limit);
    }

    /** Stops producers from waiting for space. */
    public void close() {
        closed = true;
    }

    private void putSlow(final byte b) {
        synchronized (scratch) {
            scratch.putByte(0, b);
            while (!closed) {
                if (ring.write(MESSAGE_TYPE, scratch, 0, 1)) {
                    return;
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    /** Receives drained bytes, one at a time, on the consumer thread. */
    @FunctionalInterface
    public interface ByteSink {
        /** Takes one console byte. */
        void accept(byte b);
    }
}
