package io.crumblecracker.memory;

/**
 * A guest physical address: an unsigned 64-bit number in the guest's address space.
 *
 * <p>Arithmetic is explicit and overflow-checked; there is no way to add two addresses by accident.
 * Values are compared unsigned.
 */
public record GuestAddress(long value) implements Comparable<GuestAddress> {

    /** The guest's physical address zero. */
    public static final GuestAddress ZERO = new GuestAddress(0);

    /** Returns the address {@code value}. */
    public static GuestAddress of(final long value) {
        return new GuestAddress(value);
    }

    /**
     * Returns this address plus {@code offset} bytes.
     *
     * @throws ArithmeticException if the result would pass the top of the 64-bit address space
     */
    public GuestAddress plus(final long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset=" + offset + " is negative");
        }
        final long result = value + offset;
        if (Long.compareUnsigned(result, value) < 0) {
            throw new ArithmeticException("address=0x" + Long.toHexString(value) + " + " + offset + " overflows");
        }
        return new GuestAddress(result);
    }

    /** Returns the number of bytes from {@code base} up to this address; fails if {@code base} is above it. */
    public long offsetFrom(final GuestAddress base) {
        if (Long.compareUnsigned(value, base.value) < 0) {
            throw new IllegalArgumentException(this + " is below " + base);
        }
        return value - base.value;
    }

    /** Rounds this address up to a multiple of {@code alignment}, a power of two. */
    public GuestAddress alignUp(final long alignment) {
        requirePowerOfTwo(alignment);
        final long mask = alignment - 1;
        return plus((alignment - (value & mask)) & mask);
    }

    /** Rounds this address down to a multiple of {@code alignment}, a power of two. */
    public GuestAddress alignDown(final long alignment) {
        requirePowerOfTwo(alignment);
        return new GuestAddress(value & -alignment);
    }

    /** True if this address is a multiple of {@code alignment}, a power of two. */
    public boolean isAligned(final long alignment) {
        requirePowerOfTwo(alignment);
        return (value & (alignment - 1)) == 0;
    }

    @Override
    public int compareTo(final GuestAddress other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }

    private static void requirePowerOfTwo(final long alignment) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment=" + alignment + " is not a power of two");
        }
    }
}
