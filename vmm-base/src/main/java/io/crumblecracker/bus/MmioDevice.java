package io.crumblecracker.bus;

/**
 * A device reached through memory-mapped I/O.
 *
 * <p>Called on a vCPU thread with {@code size} 1, 2, 4 or 8 and an {@code offset} inside the device's
 * window. Implementations must not block and must not throw on guest-chosen values: an access the device
 * does not understand reads as zero and writes are ignored.
 */
public interface MmioDevice {

    /** Returns the value of a {@code size}-byte read at {@code offset}. */
    long read(long offset, int size);

    /** Handles a {@code size}-byte write of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);
}
