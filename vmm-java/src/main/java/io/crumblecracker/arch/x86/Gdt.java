package io.crumblecracker.arch.x86;

import io.crumblecracker.memory.GuestMemory;

/**
 * A global descriptor table of 8-byte segment descriptors, and the boot GDT of the Linux 64-bit boot
 * protocol: a null descriptor, a 64-bit code segment ({@code __BOOT_CS = 0x08}), a flat data segment
 * ({@code __BOOT_DS = 0x10}) and a TSS descriptor for {@code tr}.
 *
 * <p>Immutable.
 *
 * @see <a href="https://docs.kernel.org/arch/x86/boot.html#bit-boot-protocol">Boot protocol: 64-bit</a>
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 3A §3.4.5, Segment Descriptors</a>
 */
public final class Gdt {

    /** Index of the 64-bit code descriptor (selector 0x08). */
    public static final int CODE_INDEX = 1;
    /** Index of the data descriptor (selector 0x10). */
    public static final int DATA_INDEX = 2;
    /** Index of the TSS descriptor (selector 0x18). */
    public static final int TSS_INDEX = 3;

    /** Flags of a present, ring-0, execute/read, accessed, 64-bit (L), 4 KiB-granular code segment. */
    public static final int CODE64_FLAGS = 0xa09b;
    /** Flags of a present, ring-0, read/write, accessed, 32-bit (D/B), 4 KiB-granular data segment. */
    public static final int DATA_FLAGS = 0xc093;
    /** Flags of a present, 4 KiB-granular, busy 64-bit TSS (system descriptor type 0xb). */
    public static final int TSS_FLAGS = 0x808b;
    /** The largest 20-bit descriptor limit: 4 GiB with 4 KiB granularity. */
    public static final long MAX_LIMIT = 0xfffffL;

    private final long[] entries;

    private Gdt(final long[] entries) {
        this.entries = entries;
    }

    /** The boot GDT: null, {@link #CODE64_FLAGS}, {@link #DATA_FLAGS}, {@link #TSS_FLAGS}, all flat. */
    public static Gdt boot() {
        return new Gdt(new long[] {
            0L,
            entry(CODE64_FLAGS, 0, MAX_LIMIT),
            entry(DATA_FLAGS, 0, MAX_LIMIT),
            entry(TSS_FLAGS, 0, MAX_LIMIT),
        });
    }

    /**
     * Encodes one descriptor.
     *
     * @param flags the access byte in bits 0..7 and the G/DB/L/AVL nibble in bits 12..15
     *              (bits 8..11 are ignored: they hold limit bits in the descriptor)
     * @param base  a 32-bit base address
     * @param limit a 20-bit limit
     * @return the 8-byte descriptor
     */
    public static long entry(final int flags, final long base, final long limit) {
        if ((base & ~0xffff_ffffL) != 0 || (limit & ~MAX_LIMIT) != 0) {
            throw new IllegalArgumentException("descriptor base=0x" + Long.toHexString(base) + " limit=0x"
                    + Long.toHexString(limit) + " must fit 32 and 20 bits");
        }
        return (base & 0xff00_0000L) << 32
                | ((long) flags & 0xf0ffL) << 40
                | (limit & 0xf_0000L) << 32
                | (base & 0xff_ffffL) << 16
                | limit & 0xffffL;
    }

    /** The number of descriptors. */
    public int size() {
        return entries.length;
    }

    /** Descriptor {@code index}. */
    public long entry(final int index) {
        return entries[index];
    }

    /** The value for {@code gdtr.limit}: the table's size in bytes, minus one. */
    public int limit() {
        return entries.length * SegmentRegister.DESCRIPTOR_SIZE - 1;
    }

    /** The register state of a segment loaded with descriptor {@code index}. */
    public SegmentRegister segment(final int index) {
        return SegmentRegister.fromGdtEntry(index, entries[index]);
    }

    /** The {@code cs} of the boot protocol. */
    public SegmentRegister codeSegment() {
        return segment(CODE_INDEX);
    }

    /** The {@code ds/es/fs/gs/ss} of the boot protocol. */
    public SegmentRegister dataSegment() {
        return segment(DATA_INDEX);
    }

    /** The {@code tr} of the boot protocol. */
    public SegmentRegister tssSegment() {
        return segment(TSS_INDEX);
    }

    /** Writes the descriptors, little-endian, at guest-physical {@code address}. */
    public void writeTo(final GuestMemory memory, final long address) {
        for (int i = 0; i < entries.length; i++) {
            memory.writeU64(address + (long) i * SegmentRegister.DESCRIPTOR_SIZE, entries[i]);
        }
    }
}
