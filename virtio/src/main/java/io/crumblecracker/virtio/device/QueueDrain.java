package io.crumblecracker.virtio.device;

import io.crumblecracker.virtio.queue.ChainViolation;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;

/**
 * The device-side processing loop for one queue (virtio 1.2 §2.7.13.3 and the notification-suppression
 * race of §2.7.10): disable notifications, drain every chain, re-enable, re-check, and finally interrupt
 * the driver if it wants to be. Separate from how the device learns of a notification.
 *
 * <p>Spoilt chains ({@link ChainViolation}) are completed with used length 0; a broken ring
 * ({@link RingViolation}) stops the queue and signals DEVICE_NEEDS_RESET. Allocation-free unless the guest
 * misbehaves.
 */
public final class QueueDrain {

    /** Handles one valid chain for a device. */
    @FunctionalInterface
    public interface ChainHandler {

        /**
         * Processes {@code chain} completely (parse, then execute) and returns the number of bytes written
         * into its writable buffers, which becomes the used length. Must not throw on guest data.
         */
        int handle(DescriptorChain chain);

        /** Told of each violation, for metrics; the drain loop has already handled it. */
        default void onViolation(final QueueViolation violation) {
        }
    }

    private QueueDrain() {
    }

    /**
     * Drains {@code queue}.
     *
     * @param index     the queue's index, for the notification
     * @param queue     the queue; nothing happens unless it is active and not broken
     * @param handler   the device's chain handler
     * @param interrupt where notifications go
     * @return false if the queue is (now) broken or inactive
     */
    public static boolean drain(final int index, final SplitQueue queue, final ChainHandler handler,
            final VirtioInterrupt interrupt) {
        if (!queue.isActive() || queue.isBroken()) {
            return false;
        }
        boolean healthy = true;
        try {
            do {
                queue.disableNotification();
                drainAvailable(queue, handler);
            } while (queue.enableNotification());
        } catch (final RingViolation violation) {
            handler.onViolation(violation);
            healthy = false;
        }
        if (queue.needsNotification()) {
            interrupt.signalUsedBuffers(index);
        }
        if (!healthy) {
            interrupt.signalNeedsReset();
        }
        return healthy;
    }

    private static void drainAvailable(final SplitQueue queue, final ChainHandler handler) throws RingViolation {
        while (true) {
            final DescriptorChain chain;
            try {
                chain = queue.popChain();
            } catch (final ChainViolation violation) {
                handler.onViolation(violation);
                queue.addUsed(violation.head(), 0);
                continue;
            }
            if (chain == null) {
                return;
            }
            queue.addUsed(chain.head(), handler.handle(chain));
        }
    }
}
