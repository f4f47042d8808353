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

    private ReceiveChains() {
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
