package io.crumblecracker.virtio.vsock;

import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.ChainWriter;
import io.crumblecracker.virtio.device.ReceiveChains;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;

/**
 * The event queue of the socket device (virtio 1.2 §5.10.6.7): the only event is TRANSPORT_RESET, and at
 * most one is owed at a time. The driver's event buffers stay available until an event is owed; a buffer
 * too small for {@code virtio_vsock_event} is returned empty and counted.
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class VsockEvents {

    private final VsockMetrics metrics;
    private final Runnable guestError;
    private final ReceiveChains.Filler filler = this::fill;
    private final ChainWriter writer = new ChainWriter();
    private SplitQueue queue;
    private VirtioInterrupt interrupt;
    private boolean owed;

    VsockEvents(final VsockMetrics metrics) {
        this.metrics = metrics;
        this.guestError = this.metrics::onGuestError;
    }

    void attach(final SplitQueue eventQueue, final VirtioInterrupt virtioInterrupt) {
        this.queue = eventQueue;
        this.interrupt = virtioInterrupt;
    }

    void detach() {
        queue = null;
        interrupt = null;
        owed = false;
    }

    /** Owes a TRANSPORT_RESET event and delivers it if the driver has a buffer for it. */
    void transportReset() {
        owed = true;
        deliver();
    }

    /** True while a TRANSPORT_RESET waits for an event buffer. */
    boolean isOwed() {
        return owed;
    }

    void deliver() {
        if (queue == null || !owed) {
            return;
        }
        ReceiveChains.fill(VsockLayout.EVENT_QUEUE, queue, filler, interrupt, guestError);
    }

    private void fill() throws RingViolation {
        while (owed) {
            final DescriptorChain chain = ReceiveChains.next(queue, guestError);
            if (chain == null) {
                return;
            }
            if (chain.readableCount() != 0 || chain.writableLength() < VsockLayout.EVENT_SIZE) {
                metrics.onGuestError();
                queue.addUsed(chain.head(), 0);
                continue;
            }
            writer.wrap(chain).writeU32(VsockLayout.EVENT_TRANSPORT_RESET);
            queue.addUsed(chain.head(), VsockLayout.EVENT_SIZE);
            owed = false;
        }
    }
}
