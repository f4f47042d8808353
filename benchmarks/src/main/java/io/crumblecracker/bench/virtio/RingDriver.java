package io.crumblecracker.bench.virtio;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.RingLayout;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import java.lang.invoke.VarHandle;

/**
 * The driver side of one split virtqueue for benchmarks: chains are written into the descriptor table once,
 * at set-up, and then only their heads go round. {@link #publish} puts a prepared head on the available
 * ring; {@link #recycle} re-publishes every head the device has returned since the last call, as a driver
 * re-posts its receive buffers. Neither allocates (unlike {@link FakeDriver#addChain}, which takes varargs
 * records), so what a benchmark loop allocates is the device's.
 *
 * <p>The ring layout is {@link FakeDriver}'s, which also does the raw descriptor and index writes.
 * Thread safety: confined to the benchmark thread.
 */
final class RingDriver {

    private final FakeDriver ring;
    private final GuestMemory memory;
    private final int size;
    private int nextDescriptor;
    private int lastUsed;

    /** Lays out a queue of {@code size} entries at {@code base} (16-byte aligned). */
    RingDriver(final GuestMemory memory, final int size, final long base) {
        this.ring = new FakeDriver(memory, size, base);
        this.memory = memory;
        this.size = size;
    }

    /** A queue configured from this driver's layout and activated over its memory (no EVENT_IDX). */
    SplitQueue activatedQueue(final int maxSize, final boolean indirect) throws RingViolation {
        return ring.activatedQueue(maxSize, indirect, false);
    }

    /** Writes {@code buffers} as a chain of queue descriptors, without publishing it; returns its head. */
    int prepare(final Buffer... buffers) {
        final int head = take(buffers.length);
        for (int i = 0; i < buffers.length; i++) {
            final boolean last = i == buffers.length - 1;
            ring.writeDescriptor(head + i, buffers[i].address(), buffers[i].length(), flags(buffers[i], !last),
                    head + i + 1);
        }
        return head;
    }

    /**
     * Writes {@code buffers} as an indirect table at {@code table} and one queue descriptor pointing at it,
     * without publishing; returns the head.
     */
    int prepareIndirect(final long table, final Buffer... buffers) {
        for (int i = 0; i < buffers.length; i++) {
            final boolean last = i == buffers.length - 1;
            ring.writeDescriptor(table, i, buffers[i].address(), buffers[i].length(), flags(buffers[i], !last),
                    i + 1);
        }
        final int head = take(1);
        ring.writeDescriptor(head, table, buffers.length * RingLayout.DESCRIPTOR_SIZE, RingLayout.DESC_F_INDIRECT,
                0);
        return head;
    }

    /** Makes {@code head} available to the device (release). Allocation-free. */
    void publish(final int head) {
        ring.publish(head);
    }

    /**
     * Re-publishes every head the device returned since the last call. Allocation-free.
     *
     * @return how many heads the device had returned
     */
    int recycle() {
        final int used = ring.usedIdx();
        VarHandle.acquireFence();
        int count = 0;
        while (lastUsed != used) {
            ring.publish(memory.readU32(ring.usedRing() + RingLayout.usedEntry(lastUsed & (size - 1))));
            lastUsed = (lastUsed + 1) & 0xFFFF;
            count++;
        }
        return count;
    }

    /** The used length of the entry the device returned most recently. */
    int lastUsedLength() {
        return memory.readU32(ring.usedRing() + RingLayout.usedEntry((ring.usedIdx() - 1) & (size - 1)) + 4);
    }

    /** The first guest address after this queue's rings. */
    long end() {
        return ring.end();
    }

    private int take(final int count) {
        if (nextDescriptor + count > size) {
            throw new IllegalStateException("descriptor table full size=" + size);
        }
        final int first = nextDescriptor;
        nextDescriptor += count;
        return first;
    }

    private static int flags(final Buffer buffer, final boolean hasNext) {
        return (buffer.writable() ? RingLayout.DESC_F_WRITE : 0) | (hasNext ? RingLayout.DESC_F_NEXT : 0);
    }
}
