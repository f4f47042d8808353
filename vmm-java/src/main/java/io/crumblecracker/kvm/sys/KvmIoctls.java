package io.crumblecracker.kvm.sys;

/**
 * KVM ioctl request numbers and capability ids from {@code <linux/kvm.h>} (x86-64), grouped by the file
 * descriptor they are issued on. {@code LayoutOracleTest} checks every value against the C header.
 *
 * @see <a href="https://docs.kernel.org/virt/kvm/api.html">The Definitive KVM API Documentation</a>
 */
public final class KvmIoctls {

    // ---- system ioctls: /dev/kvm ----
    /** {@code KVM_GET_API_VERSION}: always 12. */
    public static final long KVM_GET_API_VERSION = 0xAE00L;
    /** {@code KVM_CREATE_VM}. */
    public static final long KVM_CREATE_VM = 0xAE01L;
    /** {@code KVM_CHECK_EXTENSION}. */
    public static final long KVM_CHECK_EXTENSION = 0xAE03L;
    /** {@code KVM_GET_VCPU_MMAP_SIZE}. */
    public static final long KVM_GET_VCPU_MMAP_SIZE = 0xAE04L;
    /** {@code KVM_GET_SUPPORTED_CPUID} (KVM_CAP_EXT_CPUID). */
    public static final long KVM_GET_SUPPORTED_CPUID = 0xC008AE05L;

    // ---- VM ioctls ----
    /** {@code KVM_CREATE_VCPU}. */
    public static final long KVM_CREATE_VCPU = 0xAE41L;
    /** {@code KVM_SET_USER_MEMORY_REGION} (KVM_CAP_USER_MEMORY). */
    public static final long KVM_SET_USER_MEMORY_REGION = 0x4020AE46L;
    /** {@code KVM_SET_TSS_ADDR} (KVM_CAP_SET_TSS_ADDR). */
    public static final long KVM_SET_TSS_ADDR = 0xAE47L;
    /** {@code KVM_SET_IDENTITY_MAP_ADDR} (KVM_CAP_SET_IDENTITY_MAP_ADDR). */
    public static final long KVM_SET_IDENTITY_MAP_ADDR = 0x4008AE48L;
    /** {@code KVM_CREATE_IRQCHIP} (KVM_CAP_IRQCHIP): in-kernel PIC, IOAPIC and local APICs. */
    public static final long KVM_CREATE_IRQCHIP = 0xAE60L;
    /** {@code KVM_IRQ_LINE}. */
    public static final long KVM_IRQ_LINE = 0x4008AE61L;
    /** {@code KVM_IRQFD} (KVM_CAP_IRQFD). */
    public static final long KVM_IRQFD = 0x4020AE76L;
    /** {@code KVM_CREATE_PIT2} (KVM_CAP_PIT2). */
    public static final long KVM_CREATE_PIT2 = 0x4040AE77L;
    /** {@code KVM_IOEVENTFD} (KVM_CAP_IOEVENTFD). */
    public static final long KVM_IOEVENTFD = 0x4040AE79L;

    // ---- vCPU ioctls ----
    /** {@code KVM_RUN}. */
    public static final long KVM_RUN = 0xAE80L;
    /** {@code KVM_GET_REGS}. */
    public static final long KVM_GET_REGS = 0x8090AE81L;
    /** {@code KVM_SET_REGS}. */
    public static final long KVM_SET_REGS = 0x4090AE82L;
    /** {@code KVM_GET_SREGS}. */
    public static final long KVM_GET_SREGS = 0x8138AE83L;
    /** {@code KVM_SET_SREGS}. */
    public static final long KVM_SET_SREGS = 0x4138AE84L;
    /** {@code KVM_GET_MSRS}. */
    public static final long KVM_GET_MSRS = 0xC008AE88L;
    /** {@code KVM_SET_MSRS}. */
    public static final long KVM_SET_MSRS = 0x4008AE89L;
    /** {@code KVM_GET_FPU}. */
    public static final long KVM_GET_FPU = 0x81A0AE8CL;
    /** {@code KVM_SET_FPU}. */
    public static final long KVM_SET_FPU = 0x41A0AE8DL;
    /** {@code KVM_GET_LAPIC}. */
    public static final long KVM_GET_LAPIC = 0x8400AE8EL;
    /** {@code KVM_SET_LAPIC}. */
    public static final long KVM_SET_LAPIC = 0x4400AE8FL;
    /** {@code KVM_SET_CPUID2}. */
    public static final long KVM_SET_CPUID2 = 0x4008AE90L;
    /** {@code KVM_GET_MP_STATE}. */
    public static final long KVM_GET_MP_STATE = 0x8004AE98L;

    // ---- capabilities for KVM_CHECK_EXTENSION ----
    /** {@code KVM_CAP_IRQCHIP}. */
    public static final int KVM_CAP_IRQCHIP = 0;
    /** {@code KVM_CAP_USER_MEMORY}. */
    public static final int KVM_CAP_USER_MEMORY = 3;
    /** {@code KVM_CAP_SET_TSS_ADDR}. */
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    /** {@code KVM_CAP_EXT_CPUID}. */
    public static final int KVM_CAP_EXT_CPUID = 7;
    /** {@code KVM_CAP_NR_VCPUS}: recommended maximum vCPUs. */
    public static final int KVM_CAP_NR_VCPUS = 9;
    /** {@code KVM_CAP_IRQFD}. */
    public static final int KVM_CAP_IRQFD = 32;
    /** {@code KVM_CAP_PIT2}. */
    public static final int KVM_CAP_PIT2 = 33;
    /** {@code KVM_CAP_IOEVENTFD}. */
    public static final int KVM_CAP_IOEVENTFD = 36;
    /** {@code KVM_CAP_MAX_VCPUS}. */
    public static final int KVM_CAP_MAX_VCPUS = 66;
    /** {@code KVM_CAP_IMMEDIATE_EXIT}. */
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;

    /** {@code KVM_IOEVENTFD_FLAG_DATAMATCH}. */
    public static final int KVM_IOEVENTFD_FLAG_DATAMATCH = 1;
    /** {@code KVM_IOEVENTFD_FLAG_PIO}. */
    public static final int KVM_IOEVENTFD_FLAG_PIO = 2;
    /** {@code KVM_IOEVENTFD_FLAG_DEASSIGN}. */
    public static final int KVM_IOEVENTFD_FLAG_DEASSIGN = 4;
    /** {@code KVM_PIT_SPEAKER_DUMMY}: the PIT's speaker port is ignored. */
    public static final int KVM_PIT_SPEAKER_DUMMY = 1;

    private KvmIoctls() {
    }
}
