package io.crumblecracker.loader.kernel;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.Sizes;

/**
 * One validated {@code PT_LOAD} program header of an ELF kernel: {@code fileSize} bytes from {@code
 * fileOffset} go to {@code physicalAddress}, and the rest up to {@code memorySize} is zeroed (the bss).
 *
 * <p>Spec: ELF-64 Object File Format 1.5, "Program header table" ({@code Elf64_Phdr}).
 *
 * @param index           the program header's index, for messages
 * @param fileOffset      {@code p_offset}
 * @param physicalAddress {@code p_paddr}
 * @param fileSize        {@code p_filesz}, at most {@code memorySize}
 * @param memorySize      {@code p_memsz}
 */
public record ElfSegment(int index, long fileOffset, long physicalAddress, long fileSize, long memorySize) {

    /** {@code p_type} of a loadable segment. */
    static final int PT_LOAD = 1;
    /** {@code sizeof(Elf64_Phdr)}. */
    static final int HEADER_SIZE = 56;

    /** The guest memory the segment occupies. */
    public AddressRange range() {
        return AddressRange.of(physicalAddress, memorySize);
    }

    /**
     * Reads the program header at {@code offset}, or returns {@code null} if it is not {@code PT_LOAD}.
     *
     * @throws BootException if the segment's bytes lie outside the file, {@code p_filesz > p_memsz}, or
     *                       its addresses run past the top of the address space
     */
    static ElfSegment read(final ImageReader image, final int index, final long offset) {
        if (image.u32(offset, "p_type") != PT_LOAD) {
            return null;
        }
        final long fileOffset = image.u64(offset + 8, "p_offset");
        final long physical = image.u64(offset + 24, "p_paddr");
        final long fileSize = image.u64(offset + 32, "p_filesz");
        final long memorySize = image.u64(offset + 40, "p_memsz");
        final String name = image.source() + " segment " + index;
        if (Long.compareUnsigned(fileSize, memorySize) > 0) {
            throw new BootException(name + " has p_filesz=" + Long.toUnsignedString(fileSize)
                    + " larger than p_memsz=" + Long.toUnsignedString(memorySize));
        }
        if (!image.holds(fileOffset, fileSize)) {
            throw new BootException(name + " at p_offset=" + Sizes.hex(fileOffset) + " with p_filesz="
                    + Long.toUnsignedString(fileSize) + " lies outside the " + image.length() + "-byte file");
        }
        if (memorySize < 0 || Long.compareUnsigned(physical + memorySize, physical) < 0) {
            throw new BootException(name + " at p_paddr=" + Sizes.hex(physical) + " with p_memsz="
                    + Long.toUnsignedString(memorySize) + " runs past the top of the address space");
        }
        return new ElfSegment(index, fileOffset, physical, fileSize, memorySize);
    }

    @Override
    public String toString() {
        return "segment " + index + " at p_paddr=" + Sizes.hex(physicalAddress) + " p_memsz=" + memorySize;
    }
}
