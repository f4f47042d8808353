package io.crumblecracker.virtio.queue;

/**
 * A queue that cannot be used at all (virtio 1.2 §2.7): bad size or ring addresses at activation, or an
 * available ring that cannot be trusted. The queue is stopped; the device sets {@code DEVICE_NEEDS_RESET}.
 */
public final class RingViolation extends QueueViolation {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the violation.
     *
     * @param reason what was wrong
     * @param detail {@code name=value} pairs
     */
    public RingViolation(final Reason reason, final String detail) {
        super(reason, detail);
    }
}
