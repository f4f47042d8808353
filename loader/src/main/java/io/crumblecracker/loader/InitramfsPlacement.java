package io.crumblecracker.loader;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.E820Entry;
import io.crumblecracker.loader.boot.E820Map;
import io.crumblecracker.loader.boot.Sizes;
import io.crumblecracker.memory.GuestAddress;
import java.util.List;

/**
 * Chooses where the initramfs goes: the highest page-aligned address in e820 RAM such that it ends
 * below {@code limit} and overlaps none of the reserved ranges (kernel, zero page, command line).
 * Loaders traditionally put the initrd as high as allowed, leaving low memory to the kernel.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, fields {@code ramdisk_image} and {@code
 * initrd_addr_max}.
 */
final class InitramfsPlacement {

    /** Page size: the kernel frees the initramfs page by page, so it starts on a page boundary. */
    static final long PAGE = 4096;

    private InitramfsPlacement() {
    }

    /**
     * Places {@code size} bytes.
     *
     * @param limit      the initramfs must end at or below this (unsigned, exclusive) address
     * @param reserved   ranges the initramfs must not overlap
     * @param guestBytes the guest RAM size, for the error message
     * @throws BootException if no e820 RAM entry has room
     */
    static AddressRange place(final long size, final E820Map e820, final long limit, final List<AddressRange> reserved,
                              final long guestBytes) {
        final List<E820Entry> ram = e820.ram();
        for (int i = ram.size() - 1; i >= 0; i--) {
            final AddressRange found = placeIn(ram.get(i), size, limit, reserved);
            if (found != null) {
                return found;
            }
        }
        throw new BootException("initramfs of " + Sizes.bytes(size) + " does not fit below limit="
                + Sizes.hex(limit) + " in " + Sizes.bytes(guestBytes) + " of guest RAM (e820 RAM "
                + ram.stream().map(E820Entry::range).toList() + ", already used " + reserved + ")");
    }

    private static AddressRange placeIn(final E820Entry entry, final long size, final long limit,
                                        final List<AddressRange> reserved) {
        long top = Long.compareUnsigned(entry.end(), limit) < 0 ? entry.end() : limit;
        while (Long.compareUnsigned(top, entry.address()) > 0 && Long.compareUnsigned(top - entry.address(), size) >= 0) {
            final long start = GuestAddress.of(top - size).alignDown(PAGE).value();
            if (Long.compareUnsigned(start, entry.address()) < 0) {
                return null;
            }
            final AddressRange candidate = AddressRange.of(start, size);
            final AddressRange clash = firstOverlap(candidate, reserved);
            if (clash == null) {
                return candidate;
            }
            top = clash.start().value();
        }
        return null;
    }

    private static AddressRange firstOverlap(final AddressRange candidate, final List<AddressRange> reserved) {
        for (final AddressRange range : reserved) {
            if (range.overlaps(candidate)) {
                return range;
            }
        }
        return null;
    }
}
