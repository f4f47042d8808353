package io.crumblecracker.virtio.testing;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.RingLayout;

/**
 * Writes a hostile descriptor table, indirect tables and available ring, with values biased towards the
 * edges every validation rule guards: indexes at and past the table, addresses at and past the end of RAM or
 * wrapping the address space, lengths near 2^32, indirect tables of bad lengths, nested tables, loops.
 *
 * <p>Layout in a {@link #RAM}-byte memory: the queue's rings from 0, indirect tables at {@link #INDIRECT},
 * data buffers from {@link #DATA}.
 */
public final class HostileRing {

    /** Guest RAM size. */
    public static final long RAM = 64 * 1024;
    /** Where the indirect tables live (up to {@link #INDIRECT_ENTRIES} entries). */
    public static final long INDIRECT = 0x4000;
    /** Entries written in the indirect area. */
    public static final int INDIRECT_ENTRIES = 96;
    /** Start of the data area. */
    public static final long DATA = 0x8000;

    private final Entropy entropy;
    private final FakeDriver driver;

    /** A generator writing through {@code driver} (whose memory must be {@link #RAM} bytes). */
    public HostileRing(final Entropy entropy, final FakeDriver driver) {
        this.entropy = entropy;
        this.driver = driver;
    }

    /**
     * Zeroes {@code memory} ({@link #RAM} bytes, reused across runs so that fuzzing does not pile up native
     * memory) and returns a driver on it whose queue size (1..64) is chosen by {@code entropy}.
     */
    public static FakeDriver newDriver(final Entropy entropy, final GuestMemory memory) {
        memory.fill(0, RAM, (byte) 0);
        return new FakeDriver(memory, 1 << entropy.nextInt(7), 0);
    }

    /** Fills the descriptor table and the indirect area with hostile descriptors. */
    public void writeDescriptors() {
        final int size = driver.size();
        for (int i = 0; i < size; i++) {
            driver.writeDescriptor(i, address(), length(), flags(), next(size));
        }
        for (int i = 0; i < INDIRECT_ENTRIES; i++) {
            driver.writeDescriptor(INDIRECT, i, address(), length(), flags(), next(INDIRECT_ENTRIES / 2));
        }
    }

    /** Publishes some heads, then perhaps overwrites the available index. */
    public void publish() {
        final int size = driver.size();
        final int heads = entropy.nextInt(size + 1);
        for (int i = 0; i < heads; i++) {
            driver.publish(entropy.nextInt(8) == 0 ? entropy.nextInt(0x10000) : entropy.nextInt(size));
        }
        if (entropy.nextInt(8) == 0) {
            driver.setAvailIdx(entropy.nextInt(0x10000));
        }
    }

    private long address() {
        return switch (entropy.nextInt(10)) {
            case 0 -> entropy.pick(0, RAM - 1, RAM, RAM + 16, -1L, -16L, 1L << 32, Long.MIN_VALUE);
            case 1 -> entropy.nextLong();
            case 2 -> INDIRECT + 16L * entropy.nextInt(INDIRECT_ENTRIES);
            case 3 -> entropy.nextInt((int) RAM);
            default -> DATA + entropy.nextInt((int) (RAM - DATA));
        };
    }

    private int length() {
        return switch (entropy.nextInt(8)) {
            case 0 -> (int) entropy.pick(0, 1, 0x7FFF_FFFF, 0x8000_0000L, 0xFFFF_FFFFL, RAM, RAM - DATA);
            case 1 -> (int) entropy.nextLong();
            case 2 -> 16 * entropy.nextInt(INDIRECT_ENTRIES + 2);
            default -> entropy.nextInt(4096);
        };
    }

    private int flags() {
        return entropy.nextInt(16) == 0 ? entropy.nextInt(0x10000) : entropy.nextInt(RingLayout.DESC_F_INDIRECT * 2);
    }

    private int next(final int tableSize) {
        return entropy.nextInt(8) == 0 ? entropy.nextInt(0x10000) : entropy.nextInt(tableSize + 1);
    }
}
