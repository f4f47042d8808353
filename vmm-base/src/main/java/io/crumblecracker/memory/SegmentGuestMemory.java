package io.crumblecracker.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link GuestMemory} over one or more {@link MemorySegment}s, for example mmap'd RAM below and above
 * the x86 MMIO hole.
 *
 * <p>Lookups scan the (one or two) regions linearly, which beats any tree at these counts and allocates
 * nothing. Who owns the segments (and unmaps them) is the caller's business.
 */
public final class SegmentGuestMemory implements GuestMemory {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemoryRegion[] regions;
    private final List<MemoryRegion> regionList;
    private final long size;

    /** Creates guest memory from regions that must not overlap. */
    public SegmentGuestMemory(final List<MemoryRegion> regions) {
        final List<MemoryRegion> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparing(MemoryRegion::start));
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("guest memory needs at least one region");
        }
        long total = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0 && sorted.get(i).start().compareTo(sorted.get(i - 1).end()) < 0) {
                throw new IllegalArgumentException("regions overlap: " + sorted.get(i - 1) + " and " + sorted.get(i));
            }
            total = Math.addExact(total, sorted.get(i).size());
        }
        this.regions = sorted.toArray(MemoryRegion[]::new);
        this.regionList = List.copyOf(sorted);
        this.size = total;
    }

    /** Guest memory made of a single region starting at guest address zero. */
    public static SegmentGuestMemory of(final MemorySegment segment) {
        return new SegmentGuestMemory(List.of(new MemoryRegion(GuestAddress.ZERO, segment)));
    }

    @Override
    public List<MemoryRegion> regions() {
        return regionList;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean contains(final long address, final long length) {
        for (final MemoryRegion region : regions) {
            if (region.contains(address, length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public MemorySegment slice(final long address, final long length) {
        final MemoryRegion region = regionFor(address, length);
        return region.segment().asSlice(address - region.start().value(), length);
    }

    @Override
    public int readU8(final long address) {
        final MemoryRegion r = regionFor(address, 1);
        return Byte.toUnsignedInt(r.segment().get(ValueLayout.JAVA_BYTE, address - r.start().value()));
    }

    @Override
    public int readU16(final long address) {
        final MemoryRegion r = regionFor(address, 2);
        return Short.toUnsignedInt(r.segment().get(U16, address - r.start().value()));
    }

    @Override
    public int readU32(final long address) {
        final MemoryRegion r = regionFor(address, 4);
        return r.segment().get(U32, address - r.start().value());
    }

    @Override
    public long readU64(final long address) {
        final MemoryRegion r = regionFor(address, 8);
        return r.segment().get(U64, address - r.start().value());
    }

    @Override
    public void writeU8(final long address, final int value) {
        final MemoryRegion r = regionFor(address, 1);
        r.segment().set(ValueLayout.JAVA_BYTE, address - r.start().value(), (byte) value);
    }

    @Override
    public void writeU16(final long address, final int value) {
        final MemoryRegion r = regionFor(address, 2);
        r.segment().set(U16, address - r.start().value(), (short) value);
    }

    @Override
    public void writeU32(final long address, final int value) {
        final MemoryRegion r = regionFor(address, 4);
        r.segment().set(U32, address - r.start().value(), value);
    }

    @Override
    public void writeU64(final long address, final long value) {
        final MemoryRegion r = regionFor(address, 8);
        r.segment().set(U64, address - r.start().value(), value);
    }

    @Override
    public void read(final long address, final byte[] dst, final int offset, final int length) {
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        final MemoryRegion r = regionFor(address, length);
        MemorySegment.copy(r.segment(), ValueLayout.JAVA_BYTE, address - r.start().value(), dst, offset, length);
    }

    @Override
    public void write(final long address, final byte[] src, final int offset, final int length) {
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        final MemoryRegion r = regionFor(address, length);
        MemorySegment.copy(src, offset, r.segment(), ValueLayout.JAVA_BYTE, address - r.start().value(), length);
    }

    @Override
    public void write(final long address, final MemorySegment src) {
        final MemoryRegion r = regionFor(address, src.byteSize());
        MemorySegment.copy(src, 0, r.segment(), address - r.start().value(), src.byteSize());
    }

    @Override
    public void fill(final long address, final long length, final byte value) {
        slice(address, length).fill(value);
    }

    @Override
    public String toString() {
        return "SegmentGuestMemory" + regionList;
    }

    private MemoryRegion regionFor(final long address, final long length) {
        for (final MemoryRegion region : regions) {
            if (region.contains(address, length)) {
                return region;
            }
        }
        throw GuestMemoryException.outOfRange(address, length);
    }
}
