package io.crumblecracker.loader.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The e820 memory map handed to the kernel in the zero page: entries in ascending address order, none
 * overlapping, at most {@link #MAX_ENTRIES}.
 *
 * <p>Entries may be added in any order; the map keeps them sorted and rejects overlaps at once, so the
 * kernel never sees an ambiguous map.
 *
 * <p>Spec: {@code Documentation/arch/x86/zero-page.rst} ({@code e820_entries} at 0x1e8, {@code
 * e820_table} at 0x2d0) and {@code E820_MAX_ENTRIES_ZEROPAGE} in {@code bootparam.h}.
 *
 * <p>Not thread-safe.
 */
public final class E820Map {

    /** {@code E820_MAX_ENTRIES_ZEROPAGE}: how many entries fit in the zero page. */
    public static final int MAX_ENTRIES = 128;

    private final List<E820Entry> entries = new ArrayList<>();

    /**
     * Adds {@code size} bytes of {@code type} memory at {@code address}.
     *
     * @throws BootException if the entry is empty, wraps, overlaps an existing entry, or the map is full
     */
    public E820Map add(final long address, final long size, final E820Type type) {
        return add(new E820Entry(address, size, type));
    }

    /** Adds {@code entry}; see {@link #add(long, long, E820Type)}. */
    public E820Map add(final E820Entry entry) {
        if (entries.size() == MAX_ENTRIES) {
            throw new BootException("e820 map already has " + MAX_ENTRIES + " entries, the most the zero page holds;"
                    + " cannot add " + entry);
        }
        for (final E820Entry existing : entries) {
            if (existing.range().overlaps(entry.range())) {
                throw new BootException("e820 entry " + entry + " overlaps " + existing);
            }
        }
        entries.add(entry);
        entries.sort(Comparator.comparing(e -> e.range().start()));
        return this;
    }

    /** The entries in ascending address order. */
    public List<E820Entry> entries() {
        return List.copyOf(entries);
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /** The {@link E820Type#RAM} entries in ascending address order. */
    public List<E820Entry> ram() {
        return entries.stream().filter(e -> e.type() == E820Type.RAM).toList();
    }

    /** The table as the zero page stores it: {@link E820Entry#SIZE} packed little-endian bytes per entry. */
    public byte[] toBytes() {
        final ByteBuffer out = ByteBuffer.allocate(entries.size() * E820Entry.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (final E820Entry entry : entries) {
            out.putLong(entry.address()).putLong(entry.size()).putInt(entry.type().code());
        }
        return out.array();
    }

    @Override
    public String toString() {
        return "E820Map" + entries;
    }
}
