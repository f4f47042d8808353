package io.crumblecracker.arch.x86;

import java.util.List;

/**
 * The MSRs set on every vCPU before it first runs, as Firecracker's {@code create_boot_msr_entries}
 * does: the SYSENTER and SYSCALL MSRs and the swap-GS base cleared (the kernel programs them itself,
 * and zero means "not set up" rather than inherited junk), the TSC at 0 on every vCPU so they start in
 * step, fast strings on, and the MTRRs enabled with write-back as the default memory type so the guest
 * does not run uncached.
 *
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 4, Model-Specific Registers; Vol. 3A §12.11, MTRRs</a>
 */
public final class BootMsrs {

    /** IA32_TIME_STAMP_COUNTER. */
    public static final int IA32_TSC = 0x10;
    /** IA32_SYSENTER_CS. */
    public static final int IA32_SYSENTER_CS = 0x174;
    /** IA32_SYSENTER_ESP. */
    public static final int IA32_SYSENTER_ESP = 0x175;
    /** IA32_SYSENTER_EIP. */
    public static final int IA32_SYSENTER_EIP = 0x176;
    /** IA32_MISC_ENABLE. */
    public static final int IA32_MISC_ENABLE = 0x1a0;
    /** IA32_MTRR_DEF_TYPE. */
    public static final int IA32_MTRR_DEF_TYPE = 0x2ff;
    /** IA32_STAR: SYSCALL/SYSRET segment selectors. */
    public static final int IA32_STAR = 0xc000_0081;
    /** IA32_LSTAR: the 64-bit SYSCALL entry point. */
    public static final int IA32_LSTAR = 0xc000_0082;
    /** IA32_CSTAR: the compatibility-mode SYSCALL entry point. */
    public static final int IA32_CSTAR = 0xc000_0083;
    /** IA32_FMASK: the RFLAGS mask applied by SYSCALL. */
    public static final int IA32_SYSCALL_MASK = 0xc000_0084;
    /** IA32_KERNEL_GS_BASE: the base SWAPGS exchanges with GS. */
    public static final int IA32_KERNEL_GS_BASE = 0xc000_0102;

    /** IA32_MISC_ENABLE bit 0: fast-strings enable. */
    public static final long MISC_ENABLE_FAST_STRING = 1L;
    /** IA32_MTRR_DEF_TYPE bit 11: MTRRs enabled. */
    public static final long MTRR_ENABLE = 1L << 11;
    /** Memory type 6: write-back. */
    public static final long MEMORY_TYPE_WRITE_BACK = 6L;

    private static final List<MsrEntry> ENTRIES = List.of(
            new MsrEntry(IA32_SYSENTER_CS, 0),
            new MsrEntry(IA32_SYSENTER_ESP, 0),
            new MsrEntry(IA32_SYSENTER_EIP, 0),
            new MsrEntry(IA32_STAR, 0),
            new MsrEntry(IA32_CSTAR, 0),
            new MsrEntry(IA32_KERNEL_GS_BASE, 0),
            new MsrEntry(IA32_SYSCALL_MASK, 0),
            new MsrEntry(IA32_LSTAR, 0),
            new MsrEntry(IA32_TSC, 0),
            new MsrEntry(IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING),
            new MsrEntry(IA32_MTRR_DEF_TYPE, MTRR_ENABLE | MEMORY_TYPE_WRITE_BACK));

    private BootMsrs() {
    }

    /** The boot MSRs, in the order to set them. */
    public static List<MsrEntry> entries() {
        return ENTRIES;
    }

    /** The MSR numbers of {@link #entries()}, in order, in a fresh array. */
    public static int[] indexes() {
        final int[] indexes = new int[ENTRIES.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = ENTRIES.get(i).index();
        }
        return indexes;
    }

    /** The values of {@link #entries()}, in order, in a fresh array. */
    public static long[] values() {
        final long[] values = new long[ENTRIES.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ENTRIES.get(i).value();
        }
        return values;
    }
}
