package io.crumblecracker.virtio.device;

import io.crumblecracker.virtio.queue.ChainViolation;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;

/**
 * The shared step of every device that fills buffers the driver offered (receive queues of console,
 * net and vsock, the vsock event queue): take the next chain, completing malformed ones with length 0,
 * and when none is left re-enable notifications and look once more, so a chain the driver adds in
 * between is not missed (virtio 1.2 §2.7.10).
 */
public final class ReceiveChains {

    /** Fills as many offered chains as the device has data for; throws only if the ring is broken. */
    @FunctionalInterface
    public interface Filler {
        /** Fills chains from the queue (typically with {@link ReceiveChains#next}). */
        void fill() throws RingViolation;
    }

    private ReceiveChains() {
    }

    /**
     * Runs {@code filler}, then interrupts the driver if it asked to be; a broken ring counts as a guest
     * error and signals DEVICE_NEEDS_RESET, as {@link QueueDrain} does for queues the device drains.
     *
     * @param index the queue's index, for the notification
     */
    public static void fill(final int index, final SplitQueue queue, final Filler filler,
                            final VirtioInterrupt interrupt, final Runnable onGuestError) {
        boolean healthy = true;
        try {
            filler.fill();
        } catch (final RingViolation violation) {
            onGuestError.run();
            healthy = false;
        }
        if (queue.needsNotification()) {
            interrupt.signalUsedBuffers(index);
        }
        if (!healthy) {
            interrupt.signalNeedsReset();
        }
    }

    /**
     * The next chain to fill, or {@code null} when the driver has offered none (notifications are then
     * enabled again).
     *
     * @param onGuestError run once for each malformed chain skipped; pass a field, not a fresh lambda, on
     *                     hot paths
     * @throws RingViolation if the ring itself is broken
     */
    public static DescriptorChain next(final SplitQueue queue, final Runnable onGuestError) throws RingViolation {
        while (true) {
            final DescriptorChain chain;
            try {
                chain = queue.popChain();
            } catch (final ChainViolation violation) {
                onGuestError.run();
                queue.addUsed(violation.head(), 0);
                continue;
            }
            if (chain != null) {
                return chain;
            }
            if (!queue.enableNotification()) {
                return null;
            }
        }
    }
}
