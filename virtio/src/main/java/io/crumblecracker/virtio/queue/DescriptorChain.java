package io.crumblecracker.virtio.queue;

import static io.crumblecracker.virtio.queue.RingLayout.DESCRIPTOR_SIZE;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_ADDR;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_FLAGS;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_F_INDIRECT;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_F_NEXT;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_F_WRITE;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_LEN;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_NEXT;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.QueueViolation.Reason;
import java.util.Objects;

/**
 * One validated descriptor chain (virtio 1.2 §2.7.5, indirect tables §2.7.5.3): a reusable flyweight owned
 * by its {@link SplitQueue}, valid until the next {@link SplitQueue#popChain()}.
 *
 * <p>Loading a chain reads every descriptor exactly once into preallocated arrays, so later guest writes to
 * the table cannot change what the device sees, and checks all of it before the device touches a byte:
 * indexes inside the table, at most as many descriptors as the table has (so loops end), total length at
 * most 2^32 - 1, every buffer wholly inside one guest RAM region, device-readable buffers before
 * device-writable ones, and indirect tables well formed and not nested. Loading allocates nothing.
 *
 * <p>Descriptors {@code [0, readableCount())} are device-readable, the rest device-writable. An indirect
 * descriptor is replaced by the entries of its table.
 *
 * <p>Thread safety: confined to the thread that processes the queue.
 */
public final class DescriptorChain {

    private static final long MAX_CHAIN_BYTES = 0xFFFF_FFFFL;

    private final long[] addresses;
    private final long[] lengths;
    private final boolean[] writable;
    private GuestMemory memory;
    private int queueSize;
    private boolean indirectAllowed;
    private int head;
    private int count;
    private int readableCount;
    private long readableBytes;
    private long writableBytes;

    DescriptorChain(final int maxQueueSize) {
        // A direct chain holds at most queueSize - 1 descriptors before its (last) indirect one, and an
        // indirect table holds at most queueSize entries.
        final int capacity = 2 * maxQueueSize;
        this.addresses = new long[capacity];
        this.lengths = new long[capacity];
        this.writable = new boolean[capacity];
    }

    /** The head index: what {@link SplitQueue#addUsed} wants back. */
    public int head() {
        return head;
    }

    /** The guest memory the buffers live in. */
    public GuestMemory memory() {
        return memory;
    }

    /** The number of buffers in the chain (indirect tables flattened). */
    public int descriptorCount() {
        return count;
    }

    /** The number of device-readable buffers; they come first. */
    public int readableCount() {
        return readableCount;
    }

    /** The guest address of buffer {@code i}. */
    public long address(final int i) {
        return addresses[Objects.checkIndex(i, count)];
    }

    /** The length of buffer {@code i} in bytes (an unsigned 32-bit value). */
    public long length(final int i) {
        return lengths[Objects.checkIndex(i, count)];
    }

    /** True if buffer {@code i} is device-writable. */
    public boolean isWritable(final int i) {
        return writable[Objects.checkIndex(i, count)];
    }

    /** Total bytes in the device-readable buffers. */
    public long readableLength() {
        return readableBytes;
    }

    /** Total bytes in the device-writable buffers. */
    public long writableLength() {
        return writableBytes;
    }

    @Override
    public String toString() {
        return "DescriptorChain[head=" + head + " descriptors=" + count + " readable=" + readableBytes
                + " writable=" + writableBytes + "]";
    }

    void attach(final GuestMemory guestMemory, final int size, final boolean indirect) {
        this.memory = guestMemory;
        this.queueSize = size;
        this.indirectAllowed = indirect;
        this.count = 0;
    }

    void load(final long table, final int chainHead) throws ChainViolation {
        head = chainHead;
        count = 0;
        readableCount = 0;
        readableBytes = 0;
        writableBytes = 0;
        walk(table, queueSize, chainHead, false);
    }

    private void walk(final long table, final int tableSize, final int first, final boolean inIndirect)
            throws ChainViolation {
        int index = first;
        for (int ttl = tableSize; ; ttl--) {
            if (ttl == 0) {
                throw violation(Reason.CHAIN_TOO_LONG, "index=" + index + " limit=" + tableSize);
            }
            if (index >= tableSize) {
                throw violation(Reason.DESCRIPTOR_INDEX_OUT_OF_RANGE, "index=" + index + " tableSize=" + tableSize);
            }
            final long entry = table + (long) DESCRIPTOR_SIZE * index;
            final long address = memory.readU64(entry + DESC_ADDR);
            final long length = Integer.toUnsignedLong(memory.readU32(entry + DESC_LEN));
            final int flags = memory.readU16(entry + DESC_FLAGS);
            final int next = memory.readU16(entry + DESC_NEXT);
            if ((flags & DESC_F_INDIRECT) != 0) {
                enterIndirect(address, length, flags, inIndirect);
                return;
            }
            append(address, length, (flags & DESC_F_WRITE) != 0);
            if ((flags & DESC_F_NEXT) == 0) {
                return;
            }
            index = next;
        }
    }

    private void enterIndirect(final long address, final long length, final int flags, final boolean inIndirect)
            throws ChainViolation {
        if (!indirectAllowed) {
            throw violation(Reason.INDIRECT_NOT_NEGOTIATED, "address=0x" + Long.toHexString(address));
        }
        if (inIndirect) {
            throw violation(Reason.NESTED_INDIRECT, "address=0x" + Long.toHexString(address));
        }
        if ((flags & DESC_F_NEXT) != 0) {
            throw violation(Reason.INDIRECT_WITH_NEXT, "flags=0x" + Integer.toHexString(flags));
        }
        if (length == 0 || length % DESCRIPTOR_SIZE != 0 || length / DESCRIPTOR_SIZE > queueSize) {
            throw violation(Reason.BAD_INDIRECT_LENGTH, "length=" + length + " queueSize=" + queueSize);
        }
        if (!memory.contains(address, length)) {
            throw violation(Reason.BUFFER_OUTSIDE_MEMORY,
                    "indirectTable=0x" + Long.toHexString(address) + " length=" + length);
        }
        walk(address, (int) (length / DESCRIPTOR_SIZE), 0, true);
    }

    private void append(final long address, final long length, final boolean isWritable) throws ChainViolation {
        if (length != 0 && !memory.contains(address, length)) {
            throw violation(Reason.BUFFER_OUTSIDE_MEMORY,
                    "address=0x" + Long.toHexString(address) + " length=" + length);
        }
        if (isWritable) {
            writableBytes += length;
        } else {
            if (count > readableCount) {
                throw violation(Reason.READABLE_AFTER_WRITABLE, "descriptor=" + count);
            }
            readableBytes += length;
            readableCount++;
        }
        if (readableBytes + writableBytes > MAX_CHAIN_BYTES) {
            throw violation(Reason.CHAIN_LENGTH_OVERFLOW, "total=" + (readableBytes + writableBytes));
        }
        assert count < addresses.length : "count=" + count + " capacity=" + addresses.length;
        addresses[count] = address;
        lengths[count] = length;
        writable[count] = isWritable;
        count++;
    }

    private ChainViolation violation(final Reason reason, final String detail) {
        final ChainViolation violation = new ChainViolation(reason, head, detail);
        count = 0;
        return violation;
    }
}
