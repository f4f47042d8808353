package io.crumblecracker.virtio.console;

import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.ChainWriter;
import io.crumblecracker.virtio.device.ReceiveChains;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;

/**
 * The console's input path (virtio 1.2 §5.3.6): a bounded buffer of host input and the loop that moves it
 * into the receive queue's buffers.
 *
 * <p>Unlike a request queue, a receive queue is only drained while there is something to deliver: a chain
 * is popped only when input is waiting, so buffers the guest supplies early stay available. When the input
 * outlasts the buffers, notifications are re-enabled (which with EVENT_IDX also publishes
 * {@code avail_event}) and the ring re-checked, so the driver tells the device about the next buffer.
 *
 * <p>Allocation-free; the buffer is allocated once, at the capacity the host chose. Thread safety: confined
 * to the device's lock.
 */
final class ConsoleInput {

    private static final int MAX_CAPACITY = 16 << 20;

    private final byte[] buffer;
    private final ConsoleMetrics metrics;
    private final Runnable guestError;
    private final ReceiveChains.Filler filler = this::fill;
    private final ChainWriter writer = new ChainWriter();
    private int count;
    private boolean refused;
    private SplitQueue queue;
    private VirtioInterrupt interrupt;

    ConsoleInput(final int capacity, final ConsoleMetrics metrics) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("inputCapacity=" + capacity + " is not in [1, " + MAX_CAPACITY + "]");
        }
        this.buffer = new byte[capacity];
        this.metrics = metrics;
        this.guestError = this.metrics::onGuestError;
    }

    /** Buffers as much of {@code src[offset..offset+length)} as fits; returns the bytes accepted. */
    int offer(final byte[] src, final int offset, final int length) {
        final int accepted = Math.min(length, buffer.length - count);
        System.arraycopy(src, offset, buffer, count, accepted);
        count += accepted;
        if (accepted < length) {
            refused = true;
            metrics.onInputRefused(length - accepted);
        }
        return accepted;
    }

    /** Bytes buffered. */
    int pending() {
        return count;
    }

    void attach(final SplitQueue receiveQueue, final VirtioInterrupt virtioInterrupt) {
        this.queue = receiveQueue;
        this.interrupt = virtioInterrupt;
    }

    /** Forgets the queue and discards buffered input. */
    void detach() {
        queue = null;
        interrupt = null;
        count = 0;
        refused = false;
    }

    /**
     * Moves buffered input into available receive buffers and notifies the driver if it wants to be.
     *
     * @return true if bytes were delivered after an {@link #offer} had refused some: the host may push again
     */
    boolean deliver() {
        if (queue == null || count == 0) {
            return false;
        }
        final int before = count;
        ReceiveChains.fill(ConsoleLayout.RECEIVE_QUEUE, queue, filler, interrupt, guestError);
        final boolean space = refused && count < before;
        refused &= !space;
        return space;
    }

    private void fill() throws RingViolation {
        while (count > 0) {
            final DescriptorChain chain = ReceiveChains.next(queue, guestError);
            if (chain == null) {
                return;
            }
            queue.addUsed(chain.head(), copyInto(chain));
        }
    }

    /** Fills one receive chain; a chain with device-readable buffers (§5.3.6.1) is returned empty. */
    private int copyInto(final DescriptorChain chain) {
        if (chain.readableCount() != 0) {
            metrics.onGuestError();
            return 0;
        }
        writer.wrap(chain);
        final int length = (int) Math.min(writer.remaining(), count);
        writer.write(buffer, 0, length);
        System.arraycopy(buffer, length, buffer, 0, count - length);
        count -= length;
        metrics.onInput(length);
        return length;
    }
}
