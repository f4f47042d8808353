package io.crumblecracker.virtio.queue;

/**
 * Byte layout of the three parts of a split virtqueue (virtio 1.2 §2.7.5, §2.7.6, §2.7.8). All fields are
 * little-endian.
 *
 * <pre>
 * Descriptor table (16-byte aligned), one 16-byte entry per descriptor:
 *   +0  addr   u64   guest physical address of the buffer
 *   +8  len    u32   buffer length in bytes
 *   +12 flags  u16   NEXT | WRITE | INDIRECT
 *   +14 next   u16   index of the next descriptor when NEXT is set
 *
 * Available ring (2-byte aligned), written by the driver:
 *   +0  flags  u16   NO_INTERRUPT
 *   +2  idx    u16   free-running count of heads published
 *   +4  ring[size]   u16 head indexes
 *   +4+2*size  used_event u16 (only with VIRTIO_F_EVENT_IDX)
 *
 * Used ring (4-byte aligned), written by the device:
 *   +0  flags  u16   NO_NOTIFY
 *   +2  idx    u16   free-running count of entries returned
 *   +4  ring[size]   { u32 id; u32 len; }
 *   +4+8*size  avail_event u16 (only with VIRTIO_F_EVENT_IDX)
 * </pre>
 */
public final class RingLayout {

    /** The largest queue size a split virtqueue may have (§2.7). */
    public static final int MAX_QUEUE_SIZE = 32768;

    /** Bytes per descriptor-table entry. */
    public static final int DESCRIPTOR_SIZE = 16;
    /** Offset of {@code addr} inside a descriptor. */
    public static final int DESC_ADDR = 0;
    /** Offset of {@code len} inside a descriptor. */
    public static final int DESC_LEN = 8;
    /** Offset of {@code flags} inside a descriptor. */
    public static final int DESC_FLAGS = 12;
    /** Offset of {@code next} inside a descriptor. */
    public static final int DESC_NEXT = 14;

    /** The buffer continues in the descriptor named by {@code next}. */
    public static final int DESC_F_NEXT = 1;
    /** The buffer is device-writable (otherwise device-readable). */
    public static final int DESC_F_WRITE = 2;
    /** The buffer holds a table of indirect descriptors (§2.7.5.3). */
    public static final int DESC_F_INDIRECT = 4;

    /** Offset of the ring's {@code flags} field (available and used ring alike). */
    public static final int RING_FLAGS = 0;
    /** Offset of the ring's {@code idx} field (available and used ring alike). */
    public static final int RING_IDX = 2;
    /** Offset of the first ring entry (available and used ring alike). */
    public static final int RING_ENTRIES = 4;

    /** Available-ring flag: the driver asks not to be interrupted (ignored under EVENT_IDX). */
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    /** Used-ring flag: the device asks not to be notified (ignored under EVENT_IDX). */
    public static final int USED_F_NO_NOTIFY = 1;

    /** Bytes per used-ring entry. */
    public static final int USED_ELEMENT_SIZE = 8;

    /** Required alignment of the descriptor table. */
    public static final int DESC_TABLE_ALIGN = 16;
    /** Required alignment of the available ring. */
    public static final int AVAIL_RING_ALIGN = 2;
    /** Required alignment of the used ring. */
    public static final int USED_RING_ALIGN = 4;

    private RingLayout() {
    }

    /** Bytes occupied by a descriptor table of {@code size} entries. */
    public static long descriptorTableSize(final int size) {
        return (long) DESCRIPTOR_SIZE * size;
    }

    /** Bytes occupied by an available ring of {@code size} entries, {@code used_event} included. */
    public static long availRingSize(final int size) {
        return 6L + 2L * size;
    }

    /** Bytes occupied by a used ring of {@code size} entries, {@code avail_event} included. */
    public static long usedRingSize(final int size) {
        return 6L + (long) USED_ELEMENT_SIZE * size;
    }

    /** Offset of available-ring entry {@code slot} from the start of the available ring. */
    public static long availEntry(final int slot) {
        return RING_ENTRIES + 2L * slot;
    }

    /** Offset of {@code used_event} from the start of the available ring. */
    public static long usedEvent(final int size) {
        return RING_ENTRIES + 2L * size;
    }

    /** Offset of used-ring entry {@code slot} from the start of the used ring. */
    public static long usedEntry(final int slot) {
        return RING_ENTRIES + (long) USED_ELEMENT_SIZE * slot;
    }

    /** Offset of {@code avail_event} from the start of the used ring. */
    public static long availEvent(final int size) {
        return RING_ENTRIES + (long) USED_ELEMENT_SIZE * size;
    }
}
