package io.crumblecracker.loader.kernel;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.BootParams;
import io.crumblecracker.loader.boot.Sizes;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An uncompressed x86-64 {@code vmlinux}: an ELF64 little-endian {@code ET_EXEC} image for {@code
 * EM_X86_64}. Each {@code PT_LOAD} segment goes to its physical address {@code p_paddr}, and the
 * kernel starts at {@code e_entry}, which the kernel's linker script makes the physical address of
 * {@code startup_64}.
 *
 * <p>Spec: ELF-64 Object File Format 1.5 ({@code Elf64_Ehdr}, {@code Elf64_Phdr}); System V AMD64
 * psABI ({@code EM_X86_64 = 62}); {@code Documentation/arch/x86/boot.rst}, "64-bit Boot Protocol".
 */
public final class ElfKernel implements KernelImage {

    private static final int EHDR_SIZE = 64;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int EV_CURRENT = 1;
    private static final int ET_EXEC = 2;
    private static final int EM_X86_64 = 62;
    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

    private final byte[] bytes;
    private final GuestAddress entryPoint;
    private final List<ElfSegment> segments;

    private ElfKernel(final byte[] bytes, final GuestAddress entryPoint, final List<ElfSegment> segments) {
        this.bytes = bytes;
        this.entryPoint = entryPoint;
        this.segments = List.copyOf(segments);
    }

    /** {@code e_entry}: the physical 64-bit entry point. */
    public GuestAddress entryPoint() {
        return entryPoint;
    }

    /** The {@code PT_LOAD} segments in ascending physical address order. */
    public List<ElfSegment> segments() {
        return segments;
    }

    @Override
    public AddressRange footprint(final GuestAddress ignored) {
        final long start = segments.getFirst().physicalAddress();
        return new AddressRange(GuestAddress.of(start), segments.getLast().range().end());
    }

    @Override
    public LoadedKernel load(final GuestMemory memory, final GuestAddress ignored) {
        for (final ElfSegment segment : segments) {
            if (!memory.contains(segment.physicalAddress(), segment.memorySize())) {
                throw new BootException("ELF kernel " + segment + " " + segment.range() + " does not fit in "
                        + Sizes.bytes(memory.size()) + " of guest RAM " + memory.regions().stream()
                        .map(r -> "[" + r.start() + ", " + r.end() + ")").toList());
            }
        }
        for (final ElfSegment segment : segments) {
            final int fileSize = (int) segment.fileSize();
            memory.write(segment.physicalAddress(), bytes, (int) segment.fileOffset(), fileSize);
            memory.fill(segment.physicalAddress() + fileSize, segment.memorySize() - fileSize, (byte) 0);
        }
        return new LoadedKernel(entryPoint, footprint(null), BootParams.synthesized());
    }

    static boolean hasMagic(final ImageReader image) {
        if (!image.holds(0, MAGIC.length)) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (image.u8(i, "e_ident") != Byte.toUnsignedInt(MAGIC[i])) {
                return false;
            }
        }
        return true;
    }

    static ElfKernel parse(final ImageReader image) {
        if (!image.holds(0, EHDR_SIZE)) {
            throw new BootException(image.source() + " is truncated: the ELF header needs " + EHDR_SIZE
                    + " bytes but the file is " + image.length() + " bytes");
        }
        requireField(image, image.u8(4, "EI_CLASS"), ELFCLASS64, "EI_CLASS", "ELFCLASS64; a 32-bit kernel cannot boot");
        requireField(image, image.u8(5, "EI_DATA"), ELFDATA2LSB, "EI_DATA", "ELFDATA2LSB (little-endian)");
        requireField(image, image.u8(6, "EI_VERSION"), EV_CURRENT, "EI_VERSION", "EV_CURRENT");
        requireField(image, image.u16(16, "e_type"), ET_EXEC, "e_type", "ET_EXEC (an executable)");
        requireField(image, image.u16(18, "e_machine"), EM_X86_64, "e_machine", "EM_X86_64");
        final List<ElfSegment> segments = readSegments(image);
        final GuestAddress entry = GuestAddress.of(image.u64(24, "e_entry"));
        requireEntryInside(image, entry, segments);
        return new ElfKernel(image.array(), entry, segments);
    }

    private static List<ElfSegment> readSegments(final ImageReader image) {
        final long tableOffset = image.u64(32, "e_phoff");
        final int entrySize = image.u16(54, "e_phentsize");
        final int count = image.u16(56, "e_phnum");
        requireField(image, entrySize, ElfSegment.HEADER_SIZE, "e_phentsize", "sizeof(Elf64_Phdr)");
        if (!image.holds(tableOffset, (long) count * entrySize)) {
            throw new BootException(image.source() + " has a program header table at e_phoff="
                    + Sizes.hex(tableOffset) + " with e_phnum=" + count + " that lies outside the "
                    + image.length() + "-byte file");
        }
        final List<ElfSegment> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final ElfSegment segment = ElfSegment.read(image, i, tableOffset + (long) i * entrySize);
            if (segment != null && segment.memorySize() > 0) {
                segments.add(segment);
            }
        }
        if (segments.isEmpty()) {
            throw new BootException(image.source() + " has no PT_LOAD segment to load");
        }
        segments.sort(Comparator.comparing(s -> s.range().start()));
        requireDisjoint(image, segments);
        return segments;
    }

    private static void requireDisjoint(final ImageReader image, final List<ElfSegment> sorted) {
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).range().overlaps(sorted.get(i).range())) {
                throw new BootException(image.source() + " " + sorted.get(i - 1) + " overlaps " + sorted.get(i));
            }
        }
    }

    private static void requireEntryInside(final ImageReader image, final GuestAddress entry,
                                           final List<ElfSegment> segments) {
        for (final ElfSegment segment : segments) {
            if (segment.range().contains(entry)) {
                return;
            }
        }
        throw new BootException(image.source() + " has e_entry=" + entry
                + " outside every PT_LOAD segment's physical range; is it a relocatable or virtual-entry image?");
    }

    private static void requireField(final ImageReader image, final int actual, final int expected,
                                     final String field, final String meaning) {
        if (actual != expected) {
            throw new BootException(image.source() + " has " + field + "=" + actual + ", expected " + expected
                    + " (" + meaning + ")");
        }
    }
}
