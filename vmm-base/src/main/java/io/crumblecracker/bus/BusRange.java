package io.crumblecracker.bus;

/**
 * A half-open range {@code [base, base + length)} on an I/O bus (ports or guest physical addresses).
 *
 * @param base   the first address, unsigned
 * @param length the number of addresses, positive
 */
public record BusRange(long base, long length) {

    /** Validates that the range is non-empty and does not wrap. */
    public BusRange {
        if (length <= 0) {
            throw new IllegalArgumentException("length=" + length + " must be positive");
        }
        if (Long.compareUnsigned(base + length - 1, base) < 0) {
            throw new IllegalArgumentException("range base=0x" + Long.toHexString(base) + " length=" + length + " wraps");
        }
    }

    /** True if {@code address} is inside this range. */
    public boolean contains(final long address) {
        return Long.compareUnsigned(address - base, length) < 0;
    }

    /** True if the two ranges share an address. */
    public boolean overlaps(final BusRange other) {
        return contains(other.base) || other.contains(base);
    }

    @Override
    public String toString() {
        return "[0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + length) + ")";
    }
}
