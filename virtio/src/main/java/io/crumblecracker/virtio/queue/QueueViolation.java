package io.crumblecracker.virtio.queue;

/**
 * A driver broke a rule of the split virtqueue (virtio 1.2 §2.7): guest misbehaviour, reported as data.
 *
 * <p>Two kinds exist. A {@link ChainViolation} spoils one descriptor chain whose head is known: the device
 * completes that head with used length 0 and carries on. A {@link RingViolation} spoils the queue itself
 * (its configuration, or an available index that cannot be trusted): the queue stops and the device must
 * ask for a reset ({@code DEVICE_NEEDS_RESET}, §2.1.2) instead of looping on guest data.
 *
 * <p>Messages are {@code name=value} pairs; the {@link #reason()} is meant for metrics and tests.
 */
public abstract sealed class QueueViolation extends Exception permits ChainViolation, RingViolation {

    private static final long serialVersionUID = 1L;

    /** What exactly was wrong. */
    public enum Reason {
        /** Queue size zero, not a power of two, or above the device's maximum. */
        BAD_QUEUE_SIZE,
        /** A ring address is not aligned as §2.7 requires. */
        MISALIGNED_RING,
        /** A ring does not lie wholly inside guest RAM. */
        RING_OUTSIDE_MEMORY,
        /** The available index ran ahead of the device by more than the queue size. */
        AVAIL_INDEX_AHEAD,
        /** An available-ring entry names a descriptor outside the table. */
        HEAD_OUT_OF_RANGE,
        /** A {@code next} field names a descriptor outside the table. */
        DESCRIPTOR_INDEX_OUT_OF_RANGE,
        /** The chain loops or has more descriptors than its table. */
        CHAIN_TOO_LONG,
        /** The chain's total length exceeds 2^32 - 1 bytes. */
        CHAIN_LENGTH_OVERFLOW,
        /** A buffer is not wholly inside guest RAM. */
        BUFFER_OUTSIDE_MEMORY,
        /** A device-readable descriptor follows a device-writable one. */
        READABLE_AFTER_WRITABLE,
        /** An indirect descriptor on a queue without VIRTIO_F_INDIRECT_DESC. */
        INDIRECT_NOT_NEGOTIATED,
        /** An indirect descriptor inside an indirect table. */
        NESTED_INDIRECT,
        /** An indirect descriptor that also has NEXT set. */
        INDIRECT_WITH_NEXT,
        /** An indirect table whose length is zero, not a multiple of 16, or longer than the queue. */
        BAD_INDIRECT_LENGTH
    }

    private final Reason reason;

    QueueViolation(final Reason reason, final String detail) {
        super("reason=" + reason + " " + detail);
        this.reason = reason;
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }
}
