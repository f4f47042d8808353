package io.crumblecracker.loader.boot;

import io.crumblecracker.memory.GuestAddress;
import java.util.Objects;

/**
 * The guest physical addresses {@code [start, end)}: a kernel image, an initramfs, the zero page.
 *
 * @param start the first address in the range
 * @param end   the address one past the last byte; equal to {@code start} for an empty range
 */
public record AddressRange(GuestAddress start, GuestAddress end) {

    /** Validates that {@code end} is not below {@code start}. */
    public AddressRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.compareTo(start) < 0) {
            throw new IllegalArgumentException("end=" + end + " is below start=" + start);
        }
    }

    /**
     * The {@code size} bytes from {@code start}.
     *
     * @throws BootException if the range would pass the top of the 64-bit address space
     */
    public static AddressRange of(final long start, final long size) {
        if (size < 0) {
            throw new BootException("range at " + Sizes.hex(start) + " has size=" + Long.toUnsignedString(size)
                    + ", larger than the address space allows");
        }
        final long end = start + size;
        if (Long.compareUnsigned(end, start) < 0) {
            throw new BootException("range start=" + Sizes.hex(start) + " size=" + size
                    + " runs past the top of the address space");
        }
        return new AddressRange(GuestAddress.of(start), GuestAddress.of(end));
    }

    /** The number of bytes in the range. */
    public long size() {
        return end.value() - start.value();
    }

    /** True if {@code address} is inside the range. */
    public boolean contains(final GuestAddress address) {
        return address.compareTo(start) >= 0 && address.compareTo(end) < 0;
    }

    /** True if the two ranges share at least one byte; empty ranges overlap nothing. */
    public boolean overlaps(final AddressRange other) {
        return size() > 0 && other.size() > 0
                && start.compareTo(other.end) < 0 && other.start.compareTo(end) < 0;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
