package io.crumblecracker.virtio.net;

import static io.crumblecracker.virtio.net.NetLayout.HEADER_SIZE;

import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.ChainWriter;
import io.crumblecracker.virtio.device.ReceiveChains;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.nio.ByteBuffer;

/**
 * The receive path (virtio 1.2 §5.1.6.4): a bounded backlog of frames the host pushed, and the loop that
 * moves them into the receive queue's buffers, each behind a {@code virtio_net_hdr} with
 * {@code num_buffers} = 1 and no offload flags (§5.1.6.4.1, MRG_RXBUF and GUEST_CSUM not negotiated).
 *
 * <p>Frames are stored back to back in one array allocated with the device, each behind a 4-byte length;
 * delivered frames are compacted away once per delivery, so no frame allocates. A chain is popped only while
 * frames wait. Without MRG_RXBUF a frame must fit one chain: a frame too long for the chain at hand is
 * dropped and counted, and the next backlogged frame tried in the same chain; if none fits, the chain is
 * returned with used length 0 (Linux counts that as a length error and reposts the buffer).
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class NetBacklog {

    private static final int LENGTH_PREFIX = 4;

    private final byte[] buffer;
    private final NetMetrics metrics;
    private final Runnable guestError;
    private final ReceiveChains.Filler filler = this::fill;
    private final ChainWriter writer = new ChainWriter();
    private int start;
    private int end;
    private boolean refused;
    private SplitQueue queue;
    private VirtioInterrupt interrupt;

    NetBacklog(final int capacity, final NetMetrics metrics) {
        this.buffer = new byte[capacity];
        this.metrics = metrics;
        this.guestError = this.metrics::onGuestError;
    }

    /** Copies {@code frame}'s remaining bytes into the backlog, leaving its position; false if full. */
    boolean offer(final ByteBuffer frame) {
        final int length = frame.remaining();
        if (buffer.length - end < LENGTH_PREFIX + length) {
            compact();
            if (buffer.length - end < LENGTH_PREFIX + length) {
                refused = true;
                return false;
            }
        }
        for (int i = 0; i < LENGTH_PREFIX; i++) {
            buffer[end + i] = (byte) (length >>> (8 * i));
        }
        frame.get(frame.position(), buffer, end + LENGTH_PREFIX, length);
        end += LENGTH_PREFIX + length;
        return true;
    }

    /** Bytes backlogged, length prefixes included. */
    int pending() {
        return end - start;
    }

    boolean isAttached() {
        return queue != null;
    }

    void attach(final SplitQueue receiveQueue, final VirtioInterrupt virtioInterrupt) {
        this.queue = receiveQueue;
        this.interrupt = virtioInterrupt;
    }

    /** Forgets the queue and discards the backlog. */
    void detach() {
        queue = null;
        interrupt = null;
        start = 0;
        end = 0;
        refused = false;
    }

    /**
     * Moves backlogged frames into available receive buffers and notifies the driver if it wants to be.
     *
     * @return true if frames left the backlog after an {@link #offer} was refused: the host may push again
     */
    boolean deliver() {
        if (queue == null || start == end) {
            return false;
        }
        final int before = start;
        ReceiveChains.fill(NetLayout.RECEIVE_QUEUE, queue, filler, interrupt, guestError);
        final boolean space = refused && start != before;
        refused &= !space;
        compact();
        return space;
    }

    private void fill() throws RingViolation {
        while (start != end) {
            final DescriptorChain chain = ReceiveChains.next(queue, guestError);
            if (chain == null) {
                return;
            }
            queue.addUsed(chain.head(), copyInto(chain));
        }
    }

    /** Fills one receive chain with the first backlogged frame that fits it; returns the used length. */
    private int copyInto(final DescriptorChain chain) {
        if (chain.readableCount() != 0) {
            metrics.onGuestError();
            return 0;
        }
        writer.wrap(chain);
        final long room = writer.remaining();
        while (start != end) {
            final int length = headLength();
            final int frame = start + LENGTH_PREFIX;
            start = frame + length;
            if (HEADER_SIZE + length <= room) {
                writer.fill((byte) 0, NetLayout.HDR_NUM_BUFFERS);
                writer.writeU16(1);
                writer.write(buffer, frame, length);
                metrics.onRx(length);
                return HEADER_SIZE + length;
            }
            metrics.onRxDropped();
        }
        return 0;
    }

    private int headLength() {
        int length = 0;
        for (int i = 0; i < LENGTH_PREFIX; i++) {
            length |= (buffer[start + i] & 0xFF) << (8 * i);
        }
        return length;
    }

    private void compact() {
        if (start != 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
    }
}
