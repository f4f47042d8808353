package io.crumblecracker.memory;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One contiguous block of guest RAM: guest physical addresses {@code [start, start + size)} backed by a
 * host {@link MemorySegment} of the same size.
 *
 * @param start   the guest physical address of the first byte
 * @param segment the host memory; its size is the region's size
 */
public record MemoryRegion(GuestAddress start, MemorySegment segment) {

    /** Validates that the region does not wrap past the top of the address space. */
    public MemoryRegion {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(segment, "segment");
        start.plus(segment.byteSize());
    }

    /** The region's size in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /** The guest address one past the region's last byte. */
    public GuestAddress end() {
        return start.plus(size());
    }

    /** True if {@code [address, address + length)} lies wholly inside this region. */
    public boolean contains(final long address, final long length) {
        final long offset = address - start.value();
        return Long.compareUnsigned(address, start.value()) >= 0
                && Long.compareUnsigned(offset, size()) <= 0
                && Long.compareUnsigned(length, size() - offset) <= 0;
    }
}
