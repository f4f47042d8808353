package io.crumblecracker.arch.x86;

/**
 * A segment register as KVM takes it: the fields of {@code struct kvm_segment}. Flag fields are 0 or 1
 * ({@code type} 0..15, {@code dpl} 0..3), and {@code limit} is in bytes, already scaled by the
 * granularity bit as the processor's hidden descriptor cache holds it.
 *
 * @param base     the segment base address
 * @param limit    the byte-granular limit, an unsigned 32-bit value
 * @param selector the selector: descriptor index * 8, table indicator and RPL 0
 * @param type     the 4-bit descriptor type (code/data or system)
 * @param present  the P bit
 * @param dpl      the descriptor privilege level
 * @param db       the D/B bit (default operation size / big)
 * @param s        the S bit: 1 for code/data, 0 for system descriptors (TSS)
 * @param l        the L bit: 64-bit code segment
 * @param g        the granularity bit
 * @param avl      the available-for-software bit
 * @param unusable KVM's "unusable" flag (VMX segment access rights bit 16)
 * @see <a href="https://docs.kernel.org/virt/kvm/api.html#kvm-get-sregs">KVM API: KVM_GET_SREGS</a>
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 3A §3.4.5, Segment Descriptors</a>
 */
public record SegmentRegister(long base, int limit, int selector, int type, int present, int dpl, int db, int s,
                              int l, int g, int avl, int unusable) {

    /** Bytes per GDT descriptor, and so the selector step between consecutive entries. */
    public static final int DESCRIPTOR_SIZE = 8;

    /**
     * Decodes GDT descriptor {@code entry} found at index {@code index} into the register state KVM
     * expects after loading that selector.
     *
     * @param index the descriptor's index in the GDT; the selector is {@code index * 8}
     * @param entry the 8-byte descriptor
     * @return the decoded register, with the limit expanded to bytes if G is set
     */
    public static SegmentRegister fromGdtEntry(final int index, final long entry) {
        if (index < 0 || index > 0x1fff) {
            throw new IllegalArgumentException("GDT index=" + index + " outside [0, 8191]");
        }
        final int g = bit(entry, 55);
        final int rawLimit = (int) ((entry & 0xffffL) | (entry >>> 32 & 0xf0000L));
        final int limit = g == 1 ? rawLimit << 12 | 0xfff : rawLimit;
        final long base = entry >>> 16 & 0xff_ffffL | (entry >>> 56 & 0xffL) << 24;
        return new SegmentRegister(base, limit, index * DESCRIPTOR_SIZE, (int) (entry >>> 40 & 0xf), bit(entry, 47),
                (int) (entry >>> 45 & 0x3), bit(entry, 54), bit(entry, 44), bit(entry, 53), g, bit(entry, 52),
                present(entry) ? 0 : 1);
    }

    private static boolean present(final long entry) {
        return bit(entry, 47) == 1;
    }

    private static int bit(final long entry, final int bit) {
        return (int) (entry >>> bit & 1);
    }
}
