package io.crumblecracker.virtio.device;

/**
 * Device-independent feature bits (virtio 1.2 §6 "Reserved Feature Bits"), as 64-bit masks. Device-type
 * bits live with each device.
 */
public final class FeatureBits {

    /** The driver may use indirect descriptors (§2.7.5.3). */
    public static final long RING_INDIRECT_DESC = 1L << 28;
    /** The used_event and avail_event fields suppress notifications (§2.7.7, §2.7.10). */
    public static final long RING_EVENT_IDX = 1L << 29;
    /** The device complies with virtio 1.x; a modern transport refuses drivers that do not accept it. */
    public static final long VERSION_1 = 1L << 32;
    /** The device is behind an IOMMU or has platform-specific access restrictions. */
    public static final long ACCESS_PLATFORM = 1L << 33;
    /** The packed virtqueue layout (§2.8); not offered by our devices. */
    public static final long RING_PACKED = 1L << 34;
    /** Buffers are used in the order they were made available. */
    public static final long IN_ORDER = 1L << 35;

    /** What every device of ours offers besides its own bits: version 1, indirect descriptors, event index. */
    public static final long COMMON = VERSION_1 | RING_INDIRECT_DESC | RING_EVENT_IDX;

    private FeatureBits() {
    }

    /** True if every bit of {@code mask} is set in {@code features}. */
    public static boolean has(final long features, final long mask) {
        return (features & mask) == mask;
    }

    /** The mask of feature bit {@code bit} (0..63). */
    public static long bit(final int bit) {
        if (bit < 0 || bit > 63) {
            throw new IllegalArgumentException("bit=" + bit + " is not in [0, 63]");
        }
        return 1L << bit;
    }
}
