package io.crumblecracker.bus;

/**
 * A device reached through x86 port I/O ({@code in}/{@code out}).
 *
 * <p>Called on a vCPU thread with {@code size} 1, 2 or 4 and an {@code offset} from the start of the
 * device's port range. Implementations must not block and must not throw on guest-chosen values:
 * an access the device does not understand reads as all ones and writes are ignored.
 */
public interface PioDevice {

    /** Returns the value of a {@code size}-byte read at {@code offset} (only the low {@code size} bytes count). */
    int read(int offset, int size);

    /** Handles a {@code size}-byte write of {@code value} at {@code offset}. */
    void write(int offset, int size, int value);
}
