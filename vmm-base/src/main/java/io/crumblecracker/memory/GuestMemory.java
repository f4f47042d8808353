package io.crumblecracker.memory;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Guest physical memory as devices and loaders see it.
 *
 * <p>Every access is bounds-checked against guest RAM and little-endian; a range that is not wholly
 * inside one RAM region (or whose length overflows) raises {@link GuestMemoryException}. There is no
 * switch that turns the checks off and no way to obtain a raw host address: {@link #slice} returns a
 * bounded segment that the JDK checks on every access.
 *
 * <p>Addresses are guest physical addresses as unsigned {@code long}s, so hot paths need not allocate.
 *
 * <p>Thread safety: accesses are plain (no ordering) unless named otherwise; the guest may change
 * memory concurrently, so read each guest-controlled value once and validate the copy.
 */
public interface GuestMemory {

    /** The RAM regions, in ascending address order, non-overlapping. */
    List<MemoryRegion> regions();

    /** Total bytes of guest RAM. */
    long size();

    /** A bounded view of {@code [address, address + length)}; fails unless the range is inside one region. */
    MemorySegment slice(long address, long length);

    /** True if {@code [address, address + length)} is wholly inside one RAM region. */
    boolean contains(long address, long length);

    /** Reads the unsigned byte at {@code address}. */
    int readU8(long address);

    /** Reads the unsigned little-endian 16-bit value at {@code address}. */
    int readU16(long address);

    /** Reads the little-endian 32-bit value at {@code address}. */
    int readU32(long address);

    /** Reads the little-endian 64-bit value at {@code address}. */
    long readU64(long address);

    /** Writes the low 8 bits of {@code value} at {@code address}. */
    void writeU8(long address, int value);

    /** Writes the low 16 bits of {@code value}, little-endian. */
    void writeU16(long address, int value);

    /** Writes {@code value}, little-endian. */
    void writeU32(long address, int value);

    /** Writes {@code value}, little-endian. */
    void writeU64(long address, long value);

    /** Copies {@code length} bytes from guest memory into {@code dst[offset..]}. */
    void read(long address, byte[] dst, int offset, int length);

    /** Copies {@code length} bytes of {@code src[offset..]} into guest memory. */
    void write(long address, byte[] src, int offset, int length);

    /** Copies all of {@code src} into guest memory at {@code address}. */
    default void write(final long address, final byte[] src) {
        write(address, src, 0, src.length);
    }

    /** Copies all of {@code src} (a heap or native segment) into guest memory at {@code address}. */
    void write(long address, MemorySegment src);

    /** Sets {@code length} bytes at {@code address} to {@code value}. */
    void fill(long address, long length, byte value);
}
