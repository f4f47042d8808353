package io.crumblecracker.virtio.testing;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import io.crumblecracker.virtio.queue.RingLayout;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.lang.foreign.Arena;
import java.lang.invoke.VarHandle;

/**
 * The driver side of one split virtqueue, for tests: lays out the descriptor table, available ring and
 * used ring in guest memory, adds direct and indirect chains, and reads back used entries. It also offers
 * raw writes so tests can build hostile rings.
 *
 * <p>Layout from {@code base}: the descriptor table, then the available ring, then (4-byte aligned) the
 * used ring. Descriptors are handed out round-robin.
 */
public final class FakeDriver {

    /** One buffer of a chain. */
    public record Buffer(long address, int length, boolean writable) {

        /** A device-readable buffer. */
        public static Buffer readable(final long address, final int length) {
            return new Buffer(address, length, false);
        }

        /** A device-writable buffer. */
        public static Buffer writable(final long address, final int length) {
            return new Buffer(address, length, true);
        }
    }

    /** One used-ring entry. */
    public record Used(int id, int length) { }

    private final GuestMemory memory;
    private final int size;
    private final long descTable;
    private final long availRing;
    private final long usedRing;
    private int nextDescriptor;
    private int availIdx;

    /**
     * Lays out a queue of {@code size} entries at {@code base} (16-byte aligned) in {@code memory}.
     */
    public FakeDriver(final GuestMemory memory, final int size, final long base) {
        this.memory = memory;
        this.size = size;
        this.descTable = base;
        this.availRing = base + RingLayout.descriptorTableSize(size);
        this.usedRing = (availRing + RingLayout.availRingSize(size) + 3) & ~3L;
    }

    /** Native guest memory of {@code size} bytes at guest address 0, zeroed. */
    public static GuestMemory newMemory(final long size) {
        return SegmentGuestMemory.of(Arena.ofAuto().allocate(size, 4096));
    }

    /** The guest memory. */
    public GuestMemory memory() {
        return memory;
    }

    /** The queue size. */
    public int size() {
        return size;
    }

    /** The descriptor table's address. */
    public long descTable() {
        return descTable;
    }

    /** The available ring's address. */
    public long availRing() {
        return availRing;
    }

    /** The used ring's address. */
    public long usedRing() {
        return usedRing;
    }

    /** The first address after the used ring. */
    public long end() {
        return usedRing + RingLayout.usedRingSize(size);
    }

    /** Writes this driver's configuration into {@code queue} and marks it ready. */
    public void configure(final SplitQueue queue) {
        queue.config().setSize(size);
        queue.config().setDescriptorTable(descTable);
        queue.config().setAvailRing(availRing);
        queue.config().setUsedRing(usedRing);
        queue.config().setReady(true);
    }

    /** A configured, activated queue with maximum size {@code maxSize}. */
    public SplitQueue activatedQueue(final int maxSize, final boolean indirect, final boolean eventIdx)
            throws RingViolation {
        final SplitQueue queue = new SplitQueue(maxSize);
        configure(queue);
        queue.activate(memory, indirect, eventIdx);
        return queue;
    }

    /** Writes descriptor {@code index} of the table at {@code table}. */
    public void writeDescriptor(final long table, final int index, final long address, final int length,
            final int flags, final int next) {
        final long entry = table + (long) RingLayout.DESCRIPTOR_SIZE * index;
        memory.writeU64(entry + RingLayout.DESC_ADDR, address);
        memory.writeU32(entry + RingLayout.DESC_LEN, length);
        memory.writeU16(entry + RingLayout.DESC_FLAGS, flags);
        memory.writeU16(entry + RingLayout.DESC_NEXT, next);
    }

    /** Writes descriptor {@code index} of the queue's own table. */
    public void writeDescriptor(final int index, final long address, final int length, final int flags,
            final int next) {
        writeDescriptor(descTable, index, address, length, flags, next);
    }

    /** Writes {@code buffers} as a chain into the descriptor table, publishes it, and returns its head. */
    public int addChain(final Buffer... buffers) {
        final int head = nextDescriptor;
        for (int i = 0; i < buffers.length; i++) {
            final int index = (head + i) % size;
            final boolean last = i == buffers.length - 1;
            writeDescriptor(index, buffers[i].address(), buffers[i].length(), flags(buffers[i], !last),
                    (index + 1) % size);
        }
        nextDescriptor = (head + buffers.length) % size;
        publish(head);
        return head;
    }

    /**
     * Writes {@code buffers} as an indirect table at {@code table}, one queue descriptor pointing at it, and
     * publishes that; returns the head.
     */
    public int addIndirectChain(final long table, final Buffer... buffers) {
        for (int i = 0; i < buffers.length; i++) {
            final boolean last = i == buffers.length - 1;
            writeDescriptor(table, i, buffers[i].address(), buffers[i].length(), flags(buffers[i], !last), i + 1);
        }
        final int head = nextDescriptor;
        writeDescriptor(head, table, buffers.length * RingLayout.DESCRIPTOR_SIZE, RingLayout.DESC_F_INDIRECT, 0);
        nextDescriptor = (head + 1) % size;
        publish(head);
        return head;
    }

    /** Puts {@code head} in the next available-ring slot and advances the available index. */
    public void publish(final int head) {
        memory.writeU16(availRing + RingLayout.availEntry(availIdx % size), head);
        VarHandle.releaseFence();
        availIdx = (availIdx + 1) & 0xFFFF;
        memory.writeU16(availRing + RingLayout.RING_IDX, availIdx);
    }

    /** Overwrites the available index (hostile drivers do this). */
    public void setAvailIdx(final int idx) {
        availIdx = idx & 0xFFFF;
        memory.writeU16(availRing + RingLayout.RING_IDX, availIdx);
    }

    /** The available index the driver has published. */
    public int availIdx() {
        return availIdx;
    }

    /** Sets the available ring's flags. */
    public void setAvailFlags(final int flags) {
        memory.writeU16(availRing + RingLayout.RING_FLAGS, flags);
    }

    /** Sets {@code used_event} (EVENT_IDX). */
    public void setUsedEvent(final int index) {
        memory.writeU16(availRing + RingLayout.usedEvent(size), index);
    }

    /** The used ring's flags. */
    public int usedFlags() {
        return memory.readU16(usedRing + RingLayout.RING_FLAGS);
    }

    /** {@code avail_event} (EVENT_IDX). */
    public int availEvent() {
        return memory.readU16(usedRing + RingLayout.availEvent(size));
    }

    /** The used index the device has published. */
    public int usedIdx() {
        return memory.readU16(usedRing + RingLayout.RING_IDX);
    }

    /** Used entry number {@code n} (free-running; taken modulo the size). */
    public Used used(final int n) {
        final long entry = usedRing + RingLayout.usedEntry(n % size);
        return new Used(memory.readU32(entry), memory.readU32(entry + 4));
    }

    private static int flags(final Buffer buffer, final boolean hasNext) {
        return (buffer.writable() ? RingLayout.DESC_F_WRITE : 0) | (hasNext ? RingLayout.DESC_F_NEXT : 0);
    }
}
