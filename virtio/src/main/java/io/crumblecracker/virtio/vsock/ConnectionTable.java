package io.crumblecracker.virtio.vsock;

import java.util.Arrays;

/**
 * The socket device's flows, keyed by (guest port, host port): an open-addressing hash table with linear
 * probing and backward-shift deletion, sized once for the connection limit at most half full. Lookups take
 * two ints and allocate nothing.
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class ConnectionTable {

    private final VsockFlow[] flows;
    private final long[] keys;
    private final int mask;
    private final int limit;
    private int size;

    /** A table for at most {@code limit} flows. */
    ConnectionTable(final int limit) {
        final int capacity = Integer.highestOneBit(Math.max(2, limit) * 2 - 1) * 2;
        this.flows = new VsockFlow[capacity];
        this.keys = new long[capacity];
        this.mask = capacity - 1;
        this.limit = limit;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == limit;
    }

    /** The flow between {@code guestPort} and {@code hostPort}, or {@code null}. */
    VsockFlow get(final int guestPort, final int hostPort) {
        final long key = key(guestPort, hostPort);
        for (int i = home(key); flows[i] != null; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return flows[i];
            }
        }
        return null;
    }

    /** Adds {@code flow}, whose ports must be free; the table must not be full. */
    void put(final VsockFlow flow) {
        if (isFull()) {
            throw new IllegalStateException("table full limit=" + limit);
        }
        final long key = key(flow.guestPort(), flow.hostPort());
        int i = home(key);
        while (flows[i] != null) {
            if (keys[i] == key) {
                throw new IllegalStateException("ports in use " + flow);
            }
            i = (i + 1) & mask;
        }
        flows[i] = flow;
        keys[i] = key;
        size++;
    }

    /** Removes {@code flow} if it is in the table. */
    void remove(final VsockFlow flow) {
        final long key = key(flow.guestPort(), flow.hostPort());
        int hole = home(key);
        while (flows[hole] != flow) {
            if (flows[hole] == null) {
                return;
            }
            hole = (hole + 1) & mask;
        }
        flows[hole] = null;
        size--;
        for (int i = (hole + 1) & mask; flows[i] != null; i = (i + 1) & mask) {
            final int wanted = home(keys[i]);
            // Move the entry back into the hole unless its home lies cyclically in (hole, i].
            if (((i - wanted) & mask) >= ((i - hole) & mask)) {
                flows[hole] = flows[i];
                keys[hole] = keys[i];
                flows[i] = null;
                hole = i;
            }
        }
    }

    /** Every flow, copied out, so the caller may change the table while it walks them. */
    VsockFlow[] snapshot() {
        return Arrays.stream(flows).filter(f -> f != null).toArray(VsockFlow[]::new);
    }

    /** Forgets every flow. */
    void clear() {
        Arrays.fill(flows, null);
        size = 0;
    }

    private int home(final long key) {
        final long mixed = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }

    private static long key(final int guestPort, final int hostPort) {
        return (long) guestPort << 32 | Integer.toUnsignedLong(hostPort);
    }
}
