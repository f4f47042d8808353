package io.crumblecracker.arch.x86;

import io.crumblecracker.memory.GuestMemory;

/**
 * Everything the boot vCPU needs to enter a Linux kernel at its 64-bit entry point: long mode with
 * paging on, flat {@code __BOOT_CS}/{@code __BOOT_DS} segments from the boot GDT, an identity map,
 * interrupts off and {@code rsi} pointing at the zero page.
 *
 * <p>Control registers, chosen whole (not OR-ed into KVM's reset values):
 * <ul>
 *   <li>{@code cr0 = PE | ET | PG} ({@link #CR0}). PE and PG are what long mode requires; ET is
 *       hard-wired to 1 on every processor since the i486. CD and NW, which are set at reset, are
 *       left clear so caches are on while the kernel decompresses; the kernel sets its own
 *       {@code CR0_STATE} in {@code startup_64} soon after.</li>
 *   <li>{@code cr3} = {@link X86Layout#PML4}; {@code cr4 = PAE}, needed by 4-level paging.</li>
 *   <li>{@code efer = LME | LMA}: long mode enabled and active. SCE and NX are the kernel's business.</li>
 *   <li>The IDT is {@link X86Layout#IDT} with limit 7 over 8 zero bytes, as Firecracker does: the
 *       protocol runs with interrupts disabled and the kernel loads its own IDT first, so any early
 *       exception triple-faults and surfaces as a KVM shutdown exit instead of running garbage.</li>
 * </ul>
 *
 * @param cs       the code segment
 * @param ds       data segment
 * @param es       data segment
 * @param fs       data segment
 * @param gs       data segment
 * @param ss       stack segment
 * @param tr       the task register
 * @param gdtBase  {@code gdtr.base}
 * @param gdtLimit {@code gdtr.limit}
 * @param idtBase  {@code idtr.base}
 * @param idtLimit {@code idtr.limit}
 * @param cr0      control register 0
 * @param cr3      control register 3, the PML4 address
 * @param cr4      control register 4
 * @param efer     the IA32_EFER MSR
 * @param rip      the kernel's 64-bit entry point
 * @param rsp      the boot stack pointer
 * @param rbp      the frame pointer, equal to {@code rsp}
 * @param rsi      the zero page's address
 * @param rflags   0x2: only the always-one bit, so IF is clear
 * @see <a href="https://docs.kernel.org/arch/x86/boot.html#bit-boot-protocol">Boot protocol: 64-bit</a>
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 3A §9.8.5, Initializing IA-32e Mode</a>
 */
public record LongModeBootState(SegmentRegister cs, SegmentRegister ds, SegmentRegister es, SegmentRegister fs,
                                SegmentRegister gs, SegmentRegister ss, SegmentRegister tr, long gdtBase,
                                int gdtLimit, long idtBase, int idtLimit, long cr0, long cr3, long cr4, long efer,
                                long rip, long rsp, long rbp, long rsi, long rflags) {

    /** CR0.PE: protected mode. */
    public static final long CR0_PE = 1L;
    /** CR0.ET: extension type, hard-wired to 1. */
    public static final long CR0_ET = 1L << 4;
    /** CR0.PG: paging. */
    public static final long CR0_PG = 1L << 31;
    /** The boot {@code cr0}. */
    public static final long CR0 = CR0_PE | CR0_ET | CR0_PG;
    /** CR4.PAE: physical address extension, required by long mode. */
    public static final long CR4_PAE = 1L << 5;
    /** EFER.LME: long mode enable. */
    public static final long EFER_LME = 1L << 8;
    /** EFER.LMA: long mode active. */
    public static final long EFER_LMA = 1L << 10;
    /** RFLAGS with only reserved bit 1 set: interrupts disabled. */
    public static final long RFLAGS_RESERVED = 0x2L;
    /** The boot IDT limit: 8 bytes, too short for one 16-byte gate. */
    public static final int IDT_LIMIT = 7;

    /**
     * Writes the boot GDT, the empty IDT and the page tables into {@code memory} and returns the state
     * that enters the kernel at {@code entry}.
     *
     * @param memory   guest RAM, which must back the low 64 KiB
     * @param entry    the kernel's 64-bit entry point (load address + 0x200 for a bzImage)
     * @param zeroPage the zero page's address, for {@code rsi}
     * @return the state to copy into {@code kvm_sregs} and {@code kvm_regs}
     */
    public static LongModeBootState prepare(final GuestMemory memory, final long entry, final long zeroPage) {
        final Gdt gdt = Gdt.boot();
        gdt.writeTo(memory, X86Layout.GDT);
        memory.writeU64(X86Layout.IDT, 0L);
        final long cr3 = PageTables.write(memory);
        final SegmentRegister data = gdt.dataSegment();
        return new LongModeBootState(gdt.codeSegment(), data, data, data, data, data, gdt.tssSegment(),
                X86Layout.GDT, gdt.limit(), X86Layout.IDT, IDT_LIMIT, CR0, cr3, CR4_PAE, EFER_LME | EFER_LMA,
                entry, X86Layout.BOOT_STACK_POINTER, X86Layout.BOOT_STACK_POINTER, zeroPage, RFLAGS_RESERVED);
    }
}
