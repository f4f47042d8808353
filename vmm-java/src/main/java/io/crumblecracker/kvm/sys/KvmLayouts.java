package io.crumblecracker.kvm.sys;

/**
 * Sizes and offsets of the KVM structs this project exchanges with the kernel (x86-64).
 *
 * <pre>
 * struct kvm_run (mmap'd per vCPU)          struct kvm_sregs (312 bytes)
 *   @0  u8  request_interrupt_window          @0   kvm_segment cs, ds, es, fs, gs, ss, tr, ldt (24 each)
 *   @1  u8  immediate_exit                    @192 kvm_dtable gdt, idt (16 each)
 *   @8  u32 exit_reason                       @224 cr0 cr2 cr3 cr4 cr8 efer apic_base (u64 each)
 *   @32 union: io / mmio / system_event       @280 u64 interrupt_bitmap[4]
 *     io:   @32 u8 direction, @33 u8 size, @34 u16 port, @36 u32 count, @40 u64 data_offset
 *     mmio: @32 u64 phys_addr, @40 u8 data[8], @48 u32 len, @52 u8 is_write
 * </pre>
 * {@code LayoutOracleTest} compiles a C program against {@code <linux/kvm.h>} and compares.
 */
public final class KvmLayouts {

    /** {@code struct kvm_regs}: 18 u64 registers, rax..r15, rip, rflags. */
    public static final int REGS_SIZE = 144;
    /** {@code struct kvm_sregs}. */
    public static final int SREGS_SIZE = 312;
    /** {@code struct kvm_segment}. */
    public static final int SEGMENT_SIZE = 24;
    /** Offset of {@code gdt} in {@code kvm_sregs}. */
    public static final int SREGS_GDT = 192;
    /** Offset of {@code idt} in {@code kvm_sregs}. */
    public static final int SREGS_IDT = 208;
    /** Offset of {@code cr0} in {@code kvm_sregs}; cr2, cr3, cr4, cr8, efer, apic_base follow. */
    public static final int SREGS_CR0 = 224;
    /** {@code struct kvm_userspace_memory_region}. */
    public static final int MEMORY_REGION_SIZE = 32;
    /** {@code struct kvm_cpuid2} header (nent, padding). */
    public static final int CPUID2_HEADER_SIZE = 8;
    /** {@code struct kvm_cpuid_entry2}. */
    public static final int CPUID_ENTRY_SIZE = 40;
    /** {@code struct kvm_msrs} header (nmsrs, pad). */
    public static final int MSRS_HEADER_SIZE = 8;
    /** {@code struct kvm_msr_entry}. */
    public static final int MSR_ENTRY_SIZE = 16;
    /** {@code struct kvm_fpu}. */
    public static final int FPU_SIZE = 416;
    /** Offset of {@code fcw} in {@code kvm_fpu}. */
    public static final int FPU_FCW = 128;
    /** Offset of {@code mxcsr} in {@code kvm_fpu}. */
    public static final int FPU_MXCSR = 408;
    /** {@code struct kvm_irqfd}. */
    public static final int IRQFD_SIZE = 32;
    /** {@code struct kvm_ioeventfd}. */
    public static final int IOEVENTFD_SIZE = 64;
    /** {@code struct kvm_pit_config}. */
    public static final int PIT_CONFIG_SIZE = 64;
    /** {@code struct kvm_lapic_state}. */
    public static final int LAPIC_STATE_SIZE = 1024;
    /** {@code struct kvm_irq_level}. */
    public static final int IRQ_LEVEL_SIZE = 8;

    /** {@code kvm_run.immediate_exit}. */
    public static final int RUN_IMMEDIATE_EXIT = 1;
    /** {@code kvm_run.exit_reason}. */
    public static final int RUN_EXIT_REASON = 8;
    /** {@code kvm_run.io.direction}: 0 in, 1 out. */
    public static final int RUN_IO_DIRECTION = 32;
    /** {@code kvm_run.io.size}. */
    public static final int RUN_IO_SIZE = 33;
    /** {@code kvm_run.io.port}. */
    public static final int RUN_IO_PORT = 34;
    /** {@code kvm_run.io.count}. */
    public static final int RUN_IO_COUNT = 36;
    /** {@code kvm_run.io.data_offset}: where in the kvm_run mapping the data bytes are. */
    public static final int RUN_IO_DATA_OFFSET = 40;
    /** {@code kvm_run.mmio.phys_addr}. */
    public static final int RUN_MMIO_PHYS_ADDR = 32;
    /** {@code kvm_run.mmio.data}. */
    public static final int RUN_MMIO_DATA = 40;
    /** {@code kvm_run.mmio.len}. */
    public static final int RUN_MMIO_LEN = 48;
    /** {@code kvm_run.mmio.is_write}. */
    public static final int RUN_MMIO_IS_WRITE = 52;
    /** {@code kvm_run.system_event.type}. */
    public static final int RUN_SYSTEM_EVENT_TYPE = 32;
    /** {@code kvm_run.internal.suberror}. */
    public static final int RUN_INTERNAL_SUBERROR = 32;
    /** {@code kvm_run.fail_entry.hardware_entry_failure_reason}. */
    public static final int RUN_FAIL_ENTRY_REASON = 32;

    private KvmLayouts() {
    }
}
