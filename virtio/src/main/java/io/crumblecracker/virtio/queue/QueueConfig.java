package io.crumblecracker.virtio.queue;

/**
 * What the driver wrote about one split virtqueue through its transport (virtio 1.2 §2.7; on virtio-mmio
 * the QueueNum, QueueDesc*, QueueDriver*, QueueDevice* and QueueReady registers, §4.2.2): raw values, not
 * validated here. {@link SplitQueue#activate} checks them all against the device's maximum and guest memory.
 *
 * <p>Thread safety: written on the transport's thread before activation only.
 */
public final class QueueConfig {

    private final int maxSize;
    private int size;
    private boolean ready;
    private long descTable;
    private long availRing;
    private long usedRing;

    QueueConfig(final int maxSize) {
        this.maxSize = maxSize;
        reset();
    }

    /** Back to the state after reset: size = maximum, not ready, addresses 0. */
    void reset() {
        size = maxSize;
        ready = false;
        descTable = 0;
        availRing = 0;
        usedRing = 0;
    }

    /** The largest size the driver may choose. */
    public int maxSize() {
        return maxSize;
    }

    /** The queue size the driver chose. */
    public int size() {
        return size;
    }

    /** Records the driver's queue size; any value is accepted here. */
    public void setSize(final int queueSize) {
        this.size = queueSize;
    }

    /** True if the driver marked the queue ready. */
    public boolean isReady() {
        return ready;
    }

    /** Records the driver's ready flag. */
    public void setReady(final boolean isReady) {
        this.ready = isReady;
    }

    /** The descriptor table's guest address. */
    public long descriptorTable() {
        return descTable;
    }

    /** Records the descriptor table's guest address. */
    public void setDescriptorTable(final long address) {
        this.descTable = address;
    }

    /** The available ring's guest address (the "driver area"). */
    public long availRing() {
        return availRing;
    }

    /** Records the available ring's guest address. */
    public void setAvailRing(final long address) {
        this.availRing = address;
    }

    /** The used ring's guest address (the "device area"). */
    public long usedRing() {
        return usedRing;
    }

    /** Records the used ring's guest address. */
    public void setUsedRing(final long address) {
        this.usedRing = address;
    }

    @Override
    public String toString() {
        return "QueueConfig[size=" + size + " max=" + maxSize + " ready=" + ready + " desc=0x"
                + Long.toHexString(descTable) + " avail=0x" + Long.toHexString(availRing) + " used=0x"
                + Long.toHexString(usedRing) + "]";
    }
}
