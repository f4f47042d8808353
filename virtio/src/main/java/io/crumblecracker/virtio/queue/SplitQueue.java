package io.crumblecracker.virtio.queue;

import static io.crumblecracker.virtio.queue.RingLayout.AVAIL_F_NO_INTERRUPT;
import static io.crumblecracker.virtio.queue.RingLayout.MAX_QUEUE_SIZE;
import static io.crumblecracker.virtio.queue.RingLayout.RING_FLAGS;
import static io.crumblecracker.virtio.queue.RingLayout.RING_IDX;
import static io.crumblecracker.virtio.queue.RingLayout.USED_F_NO_NOTIFY;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.QueueViolation.Reason;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The device side of one split virtqueue (virtio 1.2 §2.7), independent of transport and device.
 *
 * <p>Life cycle: a transport writes the driver's configuration into {@link #config()} while the device is
 * being set up, then {@link #activate} validates all of it against guest memory and copies it. From then on
 * the device's processing thread pops chains ({@link #popChain}), completes them ({@link #addUsed}) and asks
 * whether to interrupt ({@link #needsNotification}). {@link #reset} returns to the state after construction.
 *
 * <p>Memory ordering (§2.7.13): the available index is read and then followed by an acquire fence, so no
 * ring or descriptor read moves before it; the used index is written after a release fence, so buffer data
 * and the used entry are visible first; the notification checks issue full fences between publishing and
 * reading the driver's flags or event index.
 *
 * <p>Guest misbehaviour surfaces as {@link ChainViolation} (one chain spoilt, queue usable) or
 * {@link RingViolation} (queue stopped: {@link #isBroken()}). Nothing here loops on guest data without a
 * bound, and no guest number sizes an allocation: the chain flyweight is preallocated for the maximum size.
 *
 * <p>Thread safety: configuration and activation on the transport's thread, before the device may process
 * the queue; everything else on the single thread that processes this queue.
 */
public final class SplitQueue {

    private static final int INDEX_MASK = 0xFFFF;

    private final int maxSize;
    private final QueueConfig config;
    private final DescriptorChain chain;
    private int size;
    private long descTable;
    private long availRing;
    private long usedRing;
    private GuestMemory memory;
    private boolean active;
    private boolean broken;
    private boolean eventIdx;
    private int nextAvail;
    private int nextUsed;
    private int signalledUsed;
    private int addedSinceSignal;

    /**
     * Creates a queue whose driver may choose any power-of-two size up to {@code maxSize}.
     *
     * @param maxSize the device's maximum queue size, a power of two in {@code [1, 32768]}
     */
    public SplitQueue(final int maxSize) {
        if (!isValidSize(maxSize, MAX_QUEUE_SIZE)) {
            throw new IllegalArgumentException("maxSize=" + maxSize + " is not a power of two in [1, 32768]");
        }
        this.maxSize = maxSize;
        this.config = new QueueConfig(maxSize);
        this.chain = new DescriptorChain(maxSize);
        reset();
    }

    /** Returns the queue to its state after construction: size = max, not ready, not active, indexes 0. */
    public void reset() {
        config.reset();
        size = maxSize;
        descTable = 0;
        availRing = 0;
        usedRing = 0;
        memory = null;
        active = false;
        broken = false;
        eventIdx = false;
        nextAvail = 0;
        nextUsed = 0;
        signalledUsed = 0;
        addedSinceSignal = 0;
    }

    /** The driver's configuration of this queue, for the transport to fill in before activation. */
    public QueueConfig config() {
        return config;
    }

    /** The largest size the driver may choose. */
    public int maxSize() {
        return maxSize;
    }

    /** The queue size in use once active (the maximum before). */
    public int size() {
        return size;
    }

    /** True if the driver marked the queue ready. */
    public boolean isReady() {
        return config.isReady();
    }

    /** The next available-ring index the device will read (free-running, 16 bits). */
    public int nextAvail() {
        return nextAvail;
    }

    /** The next used-ring index the device will write (free-running, 16 bits). */
    public int nextUsed() {
        return nextUsed;
    }

    /**
     * Sets where the device resumes (vhost-user {@code SET_VRING_BASE}, snapshot restore); before activation.
     *
     * @param availIndex the next available index to read
     * @param usedIndex  the next used index to write
     */
    public void setIndexes(final int availIndex, final int usedIndex) {
        checkInactive();
        this.nextAvail = availIndex & INDEX_MASK;
        this.nextUsed = usedIndex & INDEX_MASK;
    }

    /** True once {@link #activate} succeeded, until {@link #reset}. */
    public boolean isActive() {
        return active;
    }

    /** True once a {@link RingViolation} stopped the queue; it stays stopped until {@link #reset}. */
    public boolean isBroken() {
        return broken;
    }

    /**
     * Validates the driver's configuration and starts the queue.
     *
     * @param guestMemory the memory the rings and buffers live in
     * @param indirectDesc true if VIRTIO_F_INDIRECT_DESC was negotiated
     * @param eventIndex   true if VIRTIO_F_EVENT_IDX was negotiated
     * @throws RingViolation if the size is not a power of two up to the maximum, a ring is misaligned, or a
     *                       ring does not lie wholly inside guest RAM; the queue stays inactive
     */
    public void activate(final GuestMemory guestMemory, final boolean indirectDesc, final boolean eventIndex)
            throws RingViolation {
        Objects.requireNonNull(guestMemory, "guestMemory");
        checkInactive();
        final int queueSize = config.size();
        if (!isValidSize(queueSize, maxSize)) {
            throw new RingViolation(Reason.BAD_QUEUE_SIZE, "size=" + queueSize + " maxSize=" + maxSize);
        }
        checkRing("descriptorTable", config.descriptorTable(), RingLayout.DESC_TABLE_ALIGN,
                RingLayout.descriptorTableSize(queueSize), guestMemory);
        checkRing("availRing", config.availRing(), RingLayout.AVAIL_RING_ALIGN, RingLayout.availRingSize(queueSize),
                guestMemory);
        checkRing("usedRing", config.usedRing(), RingLayout.USED_RING_ALIGN, RingLayout.usedRingSize(queueSize),
                guestMemory);
        // Copies: the configuration cannot change under a running queue.
        this.size = queueSize;
        this.descTable = config.descriptorTable();
        this.availRing = config.availRing();
        this.usedRing = config.usedRing();
        this.memory = guestMemory;
        this.eventIdx = eventIndex;
        this.chain.attach(guestMemory, size, indirectDesc);
        this.broken = false;
        this.signalledUsed = nextUsed;
        this.addedSinceSignal = 0;
        this.active = true;
    }

    /**
     * Takes the next available chain, validated.
     *
     * @return the chain (a flyweight valid until the next call), or {@code null} if none is pending or the
     *         queue is inactive or broken
     * @throws ChainViolation if the chain is malformed; its entry is consumed, complete its head with 0
     * @throws RingViolation  if the available ring cannot be trusted; the queue is now broken
     */
    public DescriptorChain popChain() throws ChainViolation, RingViolation {
        if (!active || broken) {
            return null;
        }
        final int pending = (readAvailIdx() - nextAvail) & INDEX_MASK;
        if (pending == 0) {
            return null;
        }
        if (pending > size) {
            throw stop(Reason.AVAIL_INDEX_AHEAD, "pending=" + pending + " size=" + size + " nextAvail=" + nextAvail);
        }
        final int head = memory.readU16(availRing + RingLayout.availEntry(nextAvail & (size - 1)));
        if (head >= size) {
            throw stop(Reason.HEAD_OUT_OF_RANGE, "head=" + head + " size=" + size + " nextAvail=" + nextAvail);
        }
        nextAvail = (nextAvail + 1) & INDEX_MASK;
        chain.load(descTable, head);
        return chain;
    }

    /**
     * Returns a chain to the driver and publishes it (release).
     *
     * @param head   the chain's head index, as given by {@link DescriptorChain#head()} or
     *               {@link ChainViolation#head()}
     * @param length bytes the device wrote into the chain's writable buffers
     */
    public void addUsed(final int head, final int length) {
        if (!active) {
            throw new IllegalStateException("addUsed on an inactive queue head=" + head);
        }
        if (head < 0 || head >= size) {
            throw new IllegalArgumentException("head=" + head + " size=" + size);
        }
        final long entry = usedRing + RingLayout.usedEntry(nextUsed & (size - 1));
        memory.writeU32(entry, head);
        memory.writeU32(entry + 4, length);
        nextUsed = (nextUsed + 1) & INDEX_MASK;
        addedSinceSignal++;
        // Release: buffer contents and the entry become visible before the index that announces them.
        VarHandle.releaseFence();
        memory.writeU16(usedRing + RING_IDX, nextUsed);
    }

    /**
     * Asks the driver not to notify (without EVENT_IDX: sets {@code USED_F_NO_NOTIFY}; with it, nothing:
     * the device simply stops advancing {@code avail_event}).
     */
    public void disableNotification() {
        if (active && !eventIdx) {
            memory.writeU16(usedRing + RING_FLAGS, USED_F_NO_NOTIFY);
        }
    }

    /**
     * Asks the driver to notify again (clears {@code USED_F_NO_NOTIFY}, or sets {@code avail_event} to the
     * next index the device will read), then re-checks the available ring.
     *
     * @return true if chains arrived meanwhile, so the caller must drain again
     */
    public boolean enableNotification() {
        if (!active || broken) {
            return false;
        }
        if (eventIdx) {
            memory.writeU16(usedRing + RingLayout.availEvent(size), nextAvail);
        } else {
            memory.writeU16(usedRing + RING_FLAGS, 0);
        }
        // StoreLoad: the driver must see our flag or event before we read its index (§2.7.10).
        VarHandle.fullFence();
        return readAvailIdx() != nextAvail;
    }

    /**
     * Decides whether to send a used-buffer notification for the entries added since the last call
     * (§2.7.7.2): with EVENT_IDX, if {@code used_event} lies in the window of indexes just published,
     * using the wrap-safe test {@code (u16)(new - event - 1) < (u16)(new - old)}; without it, unless the
     * driver set {@code AVAIL_F_NO_INTERRUPT}. Nothing new since the last call means no notification.
     */
    public boolean needsNotification() {
        if (!active) {
            return false;
        }
        // StoreLoad: our used index must be visible before we read the driver's suppression state.
        VarHandle.fullFence();
        final int newUsed = nextUsed;
        final int oldUsed = signalledUsed;
        final int added = addedSinceSignal;
        signalledUsed = newUsed;
        addedSinceSignal = 0;
        if (added == 0) {
            return false;
        }
        if (eventIdx) {
            final int usedEvent = memory.readU16(availRing + RingLayout.usedEvent(size));
            // A window of 2^16 or more entries contains every event index.
            return added > INDEX_MASK || ((newUsed - usedEvent - 1) & INDEX_MASK) < ((newUsed - oldUsed) & INDEX_MASK);
        }
        return (memory.readU16(availRing + RING_FLAGS) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    @Override
    public String toString() {
        return "SplitQueue[size=" + size + " max=" + maxSize + " active=" + active
                + " broken=" + broken + " nextAvail=" + nextAvail + " nextUsed=" + nextUsed + "]";
    }

    private int readAvailIdx() {
        final int idx = memory.readU16(availRing + RING_IDX);
        // Acquire: ring entries and descriptors are read only after the index that published them.
        VarHandle.acquireFence();
        return idx;
    }

    private RingViolation stop(final Reason reason, final String detail) {
        broken = true;
        return new RingViolation(reason, detail);
    }

    private void checkInactive() {
        if (active) {
            throw new IllegalStateException("queue is active; reset it first");
        }
    }

    private static void checkRing(final String name, final long address, final int alignment, final long length,
            final GuestMemory guestMemory) throws RingViolation {
        if ((address & (alignment - 1)) != 0) {
            throw new RingViolation(Reason.MISALIGNED_RING,
                    name + "=0x" + Long.toHexString(address) + " alignment=" + alignment);
        }
        if (!guestMemory.contains(address, length)) {
            throw new RingViolation(Reason.RING_OUTSIDE_MEMORY,
                    name + "=0x" + Long.toHexString(address) + " length=" + length);
        }
    }

    private static boolean isValidSize(final int value, final int max) {
        return value > 0 && value <= max && Integer.bitCount(value) == 1;
    }
}
