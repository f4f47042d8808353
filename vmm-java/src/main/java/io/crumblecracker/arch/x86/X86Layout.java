package io.crumblecracker.arch.x86;

import java.util.List;

/**
 * The guest-physical addresses this VMM lays an x86-64 guest out at.
 *
 * <p>Low memory, below 1 MiB:
 * <pre>
 *   0x00500  GDT (4 descriptors)          0x09000  PML4
 *   0x00520  IDT (empty)                  0x0a000  PDPT
 *   0x07000  zero page (boot_params)      0x0b000  4 page directories, to 0x0f000
 *   0x08ff0  boot stack pointer (grows ↓) 0x20000  kernel command line
 *   0x9f000  EBDA: MP configuration table 0x9fc00  MP floating pointer
 * </pre>
 * RAM continues at {@link #HIMEM_START} up to {@link #MMIO_GAP_START}; the 1 GiB below 4 GiB is the
 * MMIO gap (virtio-mmio, IOAPIC, LAPIC, KVM's TSS); RAM beyond 3 GiB is placed from 4 GiB up.
 *
 * @see <a href="https://docs.kernel.org/arch/x86/boot.html">The Linux/x86 Boot Protocol</a>
 * @see <a href="https://github.com/firecracker-microvm/firecracker/blob/main/src/vmm/src/arch/x86_64/layout.rs">
 *      Firecracker arch/x86_64/layout.rs</a>
 */
public final class X86Layout {

    /** Bytes in a 4 KiB page. */
    public static final long PAGE_SIZE = 0x1000L;

    /** The boot GDT: null, code, data and TSS descriptors (32 bytes). */
    public static final long GDT = 0x500L;
    /** The boot IDT, right after the GDT; empty, as the kernel loads its own before enabling interrupts. */
    public static final long IDT = 0x520L;
    /** The zero page ({@code struct boot_params}) whose address the kernel receives in {@code rsi}. */
    public static final long ZERO_PAGE = 0x7000L;
    /** Initial {@code rsp} and {@code rbp}: the stack grows down through the page below the PML4. */
    public static final long BOOT_STACK_POINTER = 0x8ff0L;
    /** The PML4 of the boot page tables; also the initial {@code cr3}. */
    public static final long PML4 = 0x9000L;
    /** The page-directory-pointer table that PML4[0] references. */
    public static final long PDPT = 0xa000L;
    /** The first of {@link #PD_COUNT} page directories, one per GiB, mapping 2 MiB pages. */
    public static final long PD_START = 0xb000L;
    /** Page directories: identity-map the first 4 GiB with 2 MiB pages. */
    public static final int PD_COUNT = 4;
    /** The end (exclusive) of the boot page tables. */
    public static final long PAGE_TABLES_END = PD_START + PD_COUNT * PAGE_SIZE;
    /** The kernel command line, NUL-terminated. */
    public static final long CMDLINE = 0x20000L;
    /** The most command-line bytes we place, including the terminating NUL. */
    public static final int CMDLINE_MAX = 2048;
    /**
     * The start of the extended BIOS data area, the last 4 KiB below 640 KiB; e820 RAM ends here. Linux
     * reserves {@code [0x9f000, 1 MiB)} whatever e820 says ({@code BIOS_START_MAX} in
     * {@code arch/x86/kernel/ebda.c}); the MP configuration table lives here.
     */
    public static final long EBDA_START = 0x9f000L;
    /** Where the MP configuration table ("PCMP") starts: the beginning of the EBDA. */
    public static final long MP_CONFIG_TABLE = EBDA_START;
    /**
     * The MP floating pointer ("_MP_"): the last KiB of base memory, which Linux scans
     * ({@code smp_scan_config(639 * 0x400, 0x400)} in {@code arch/x86/kernel/mpparse.c}).
     */
    public static final long MPTABLE = 0x9fc00L;
    /** The end of conventional ("base") memory, 640 KiB; the legacy VGA/BIOS hole follows. */
    public static final long BASE_MEMORY_END = 0xa0000L;
    /** The first byte above the legacy hole, where the second e820 RAM range starts. */
    public static final long HIMEM_START = 0x100000L;
    /** Where a 64-bit kernel is loaded (16 MiB, the default {@code CONFIG_PHYSICAL_START}). */
    public static final long KERNEL_LOAD = 0x1000000L;
    /** The start of the MMIO gap below 4 GiB: no RAM from here to {@link #MMIO_GAP_END}. */
    public static final long MMIO_GAP_START = 0xC000_0000L;
    /** The end (exclusive) of the MMIO gap, 4 GiB; RAM beyond the gap's start continues here. */
    public static final long MMIO_GAP_END = 0x1_0000_0000L;
    /** The first virtio-mmio device window; device {@code n} is at {@code base + n * 0x1000}. */
    public static final long VIRTIO_MMIO_BASE = 0xD000_0000L;
    /** Bytes of MMIO window per virtio-mmio device. */
    public static final long VIRTIO_MMIO_SIZE = 0x1000L;
    /** The IRQ of virtio-mmio device 0; device {@code n} uses {@code 5 + n}. */
    public static final int VIRTIO_MMIO_FIRST_IRQ = 5;
    /** The IOAPIC's MMIO window ({@code IO_APIC_DEFAULT_PHYS_BASE}). */
    public static final long IOAPIC = 0xFEC0_0000L;
    /** The local APICs' MMIO window ({@code APIC_DEFAULT_PHYS_BASE}). */
    public static final long LAPIC = 0xFEE0_0000L;
    /** {@code KVM_SET_TSS_ADDR}: three pages Intel VMX needs for real-mode emulation, inside the gap. */
    public static final long KVM_TSS_ADDRESS = 0xFFFB_D000L;
    /** {@code KVM_SET_IDENTITY_MAP_ADDR}: one page just below the TSS. */
    public static final long KVM_IDENTITY_MAP_ADDRESS = 0xFFFB_C000L;

    private X86Layout() {
    }

    /**
     * The guest RAM ranges for {@code ramBytes} of RAM: up to {@link #MMIO_GAP_START} from address 0,
     * and whatever remains from {@link #MMIO_GAP_END} up.
     *
     * @param ramBytes total RAM, a positive multiple of {@link #PAGE_SIZE}
     * @return one or two ranges in ascending address order
     */
    public static List<RamRange> ramRanges(final long ramBytes) {
        if (ramBytes <= 0 || ramBytes % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("ramBytes=" + ramBytes + " must be a positive multiple of "
                    + PAGE_SIZE);
        }
        final long below = Math.min(ramBytes, MMIO_GAP_START);
        final RamRange low = new RamRange(0, below);
        if (below == ramBytes) {
            return List.of(low);
        }
        return List.of(low, new RamRange(MMIO_GAP_END, ramBytes - below));
    }

    /** The virtio-mmio window of device {@code index}. */
    public static long virtioMmioAddress(final int index) {
        return VIRTIO_MMIO_BASE + checkVirtioIndex(index) * VIRTIO_MMIO_SIZE;
    }

    /** The IRQ (IOAPIC pin) of virtio-mmio device {@code index}. */
    public static int virtioMmioIrq(final int index) {
        return VIRTIO_MMIO_FIRST_IRQ + checkVirtioIndex(index);
    }

    private static int checkVirtioIndex(final int index) {
        // Pins 5..23 of the 24-pin IOAPIC are free for virtio-mmio devices.
        if (index < 0 || VIRTIO_MMIO_FIRST_IRQ + index > MpTable.IOAPIC_PINS - 1) {
            throw new IllegalArgumentException("virtio-mmio index=" + index + " outside [0, "
                    + (MpTable.IOAPIC_PINS - VIRTIO_MMIO_FIRST_IRQ - 1) + "]");
        }
        return index;
    }

    /**
     * A guest-physical RAM range {@code [start, start + size)}.
     *
     * @param start the first guest-physical address
     * @param size  the length in bytes
     */
    public record RamRange(long start, long size) {

        /** The first address after the range. */
        public long end() {
            return start + size;
        }
    }
}
