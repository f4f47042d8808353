package io.crumblecracker.arch.x86;

import io.crumblecracker.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes an Intel MultiProcessor Specification 1.4 table, which is how a guest without ACPI learns its
 * CPUs, its IOAPIC and how ISA IRQs reach the IOAPIC pins.
 *
 * <p>Layout:
 * <ul>
 *   <li>The MP floating pointer structure (16 bytes, "_MP_") at {@link X86Layout#MPTABLE}, in the last
 *       KiB of base memory where Linux looks for it.</li>
 *   <li>The configuration table ("PCMP") at {@link X86Layout#MP_CONFIG_TABLE}, the start of the EBDA:
 *       the 44-byte header, then one processor entry per CPU (APIC id = index, BSP = 0), one ISA bus,
 *       one IOAPIC (id = CPU count, so it clashes with no CPU), an I/O interrupt entry per IOAPIC pin
 *       (ISA IRQ n → pin n, conforming polarity and trigger, matching KVM's default GSI routing), and
 *       the two local interrupt entries of virtual-wire mode (ExtINT → LINT0, NMI → LINT1, every local
 *       APIC).</li>
 * </ul>
 * The configuration table sits below the floating pointer rather than after it because 64 processor
 * entries (20 bytes each) do not fit in the scanned KiB; both lie in {@code [0x9f000, 0xa0000)}, which
 * Linux reserves unconditionally and which e820 must not list as RAM. Both checksums bring their byte
 * sums to 0 mod 256.
 *
 * @see <a href="https://web.archive.org/web/20121002210153/http://download.intel.com/design/archives/processors/pro/docs/24201606.pdf">
 *      Intel MultiProcessor Specification 1.4, chapter 4 (MP Configuration Table)</a>
 * @see <a href="https://github.com/firecracker-microvm/firecracker/blob/main/src/vmm/src/arch/x86_64/mptable.rs">
 *      Firecracker arch/x86_64/mptable.rs</a>
 */
public final class MpTable {

    /** The most CPUs a table describes here (the VMM's vCPU limit). */
    public static final int MAX_CPUS = 64;
    /** IOAPIC input pins, each with an I/O interrupt entry; KVM's IOAPIC has 24. */
    public static final int IOAPIC_PINS = 24;
    /** Bytes of the floating pointer structure. */
    public static final int FLOATING_POINTER_SIZE = 16;
    /** Bytes of the configuration table header. */
    public static final int HEADER_SIZE = 44;
    /** Bytes of a processor entry. */
    public static final int PROCESSOR_ENTRY_SIZE = 20;
    /** Bytes of every other base-table entry (bus, IOAPIC, I/O and local interrupt). */
    public static final int SHORT_ENTRY_SIZE = 8;

    /** Entry type 0: processor. */
    public static final int TYPE_PROCESSOR = 0;
    /** Entry type 1: bus. */
    public static final int TYPE_BUS = 1;
    /** Entry type 2: I/O APIC. */
    public static final int TYPE_IOAPIC = 2;
    /** Entry type 3: I/O interrupt assignment. */
    public static final int TYPE_IO_INTERRUPT = 3;
    /** Entry type 4: local interrupt assignment. */
    public static final int TYPE_LOCAL_INTERRUPT = 4;

    private static final int SPEC_REVISION = 4;
    private static final String FLOATING_SIGNATURE = "_MP_";
    private static final String TABLE_SIGNATURE = "PCMP";
    private static final String OEM_ID = "CRUMBLE ";
    private static final String PRODUCT_ID = "CRACKER     ";
    private static final String BUS_ISA = "ISA   ";
    private static final int LAPIC_VERSION = 0x14;
    private static final int IOAPIC_VERSION = 0x11;
    private static final int CPU_ENABLED = 1;
    private static final int CPU_BOOT_PROCESSOR = 2;
    private static final int IOAPIC_ENABLED = 1;
    /** CPU signature: family 6, as Firecracker reports; Linux only prints it. */
    private static final int CPU_SIGNATURE = 0x600;
    /** CPUID.1:EDX feature flags: FPU (0) and APIC (9). */
    private static final int CPU_FEATURES = 1 | 1 << 9;
    private static final int INT_TYPE_INT = 0;
    private static final int INT_TYPE_NMI = 1;
    private static final int INT_TYPE_EXTINT = 3;
    /** Polarity and trigger "conform to the bus": edge, active high for ISA. */
    private static final int INT_FLAGS_CONFORMING = 0;
    private static final int ALL_LOCAL_APICS = 0xff;
    private static final int ISA_BUS_ID = 0;

    private MpTable() {
    }

    /**
     * Writes the floating pointer and configuration table for {@code cpus} CPUs.
     *
     * @throws IllegalArgumentException if {@code cpus} is outside {@code [1, MAX_CPUS]}
     * @throws IllegalStateException    if the table would overlap the floating pointer or pass 640 KiB
     */
    public static void write(final GuestMemory memory, final int cpus) {
        final byte[] table = configTable(cpus);
        checkFits(table.length);
        memory.write(X86Layout.MP_CONFIG_TABLE, table);
        memory.write(X86Layout.MPTABLE, floatingPointer(X86Layout.MP_CONFIG_TABLE));
    }

    /** Bytes of the configuration table (header and base entries) for {@code cpus} CPUs. */
    public static int configTableLength(final int cpus) {
        checkCpus(cpus);
        return HEADER_SIZE + cpus * PROCESSOR_ENTRY_SIZE + entryCountWithoutCpus() * SHORT_ENTRY_SIZE;
    }

    /** The configuration table for {@code cpus} CPUs, with its checksum. */
    static byte[] configTable(final int cpus) {
        final ByteBuffer out = ByteBuffer.allocate(configTableLength(cpus)).order(ByteOrder.LITTLE_ENDIAN);
        putHeader(out, cpus);
        for (int cpu = 0; cpu < cpus; cpu++) {
            putProcessor(out, cpu);
        }
        putBus(out);
        putIoApic(out, cpus);
        for (int pin = 0; pin < IOAPIC_PINS; pin++) {
            putInterrupt(out, TYPE_IO_INTERRUPT, INT_TYPE_INT, pin, cpus, pin);
        }
        putInterrupt(out, TYPE_LOCAL_INTERRUPT, INT_TYPE_EXTINT, 0, ALL_LOCAL_APICS, 0);
        putInterrupt(out, TYPE_LOCAL_INTERRUPT, INT_TYPE_NMI, 0, ALL_LOCAL_APICS, 1);
        final byte[] table = out.array();
        table[7] = checksum(table);
        return table;
    }

    /** The floating pointer structure referencing a configuration table at {@code tableAddress}. */
    static byte[] floatingPointer(final long tableAddress) {
        final ByteBuffer out = ByteBuffer.allocate(FLOATING_POINTER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.put(ascii(FLOATING_SIGNATURE)).putInt((int) tableAddress)
                .put((byte) 1)                  // length in 16-byte paragraphs
                .put((byte) SPEC_REVISION)
                .put((byte) 0)                  // checksum, below
                .put(new byte[5]);              // features: 0 = configuration table present, no IMCR
        final byte[] pointer = out.array();
        pointer[10] = checksum(pointer);
        return pointer;
    }

    private static void putHeader(final ByteBuffer out, final int cpus) {
        out.put(ascii(TABLE_SIGNATURE))
                .putShort((short) out.capacity())
                .put((byte) SPEC_REVISION)
                .put((byte) 0)                  // checksum, set last
                .put(ascii(OEM_ID))
                .put(ascii(PRODUCT_ID))
                .putInt(0)                      // no OEM table
                .putShort((short) 0)
                .putShort((short) (cpus + entryCountWithoutCpus()))
                .putInt((int) X86Layout.LAPIC)
                .putShort((short) 0)            // no extended table
                .put((byte) 0)
                .put((byte) 0);
    }

    private static void putProcessor(final ByteBuffer out, final int cpu) {
        out.put((byte) TYPE_PROCESSOR).put((byte) cpu).put((byte) LAPIC_VERSION)
                .put((byte) (CPU_ENABLED | (cpu == 0 ? CPU_BOOT_PROCESSOR : 0)))
                .putInt(CPU_SIGNATURE).putInt(CPU_FEATURES)
                .putLong(0);                    // reserved
    }

    private static void putBus(final ByteBuffer out) {
        out.put((byte) TYPE_BUS).put((byte) ISA_BUS_ID).put(ascii(BUS_ISA));
    }

    private static void putIoApic(final ByteBuffer out, final int ioApicId) {
        out.put((byte) TYPE_IOAPIC).put((byte) ioApicId).put((byte) IOAPIC_VERSION).put((byte) IOAPIC_ENABLED)
                .putInt((int) X86Layout.IOAPIC);
    }

    private static void putInterrupt(final ByteBuffer out, final int entryType, final int interruptType,
                                     final int sourceIrq, final int destinationId, final int destinationPin) {
        out.put((byte) entryType).put((byte) interruptType).putShort((short) INT_FLAGS_CONFORMING)
                .put((byte) ISA_BUS_ID).put((byte) sourceIrq).put((byte) destinationId).put((byte) destinationPin);
    }

    /** Bus, IOAPIC, the I/O interrupt entries and the two local interrupt entries. */
    private static int entryCountWithoutCpus() {
        return 2 + IOAPIC_PINS + 2;
    }

    private static void checkCpus(final int cpus) {
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new IllegalArgumentException("cpus=" + cpus + " outside [1, " + MAX_CPUS + "]");
        }
    }

    private static void checkFits(final int tableLength) {
        final long tableEnd = X86Layout.MP_CONFIG_TABLE + tableLength;
        final long pointerEnd = X86Layout.MPTABLE + FLOATING_POINTER_SIZE;
        if (tableEnd > X86Layout.MPTABLE || pointerEnd > X86Layout.BASE_MEMORY_END) {
            throw new IllegalStateException("MP table end=0x" + Long.toHexString(tableEnd)
                    + " must not pass floating pointer=0x" + Long.toHexString(X86Layout.MPTABLE)
                    + ", pointer end=0x" + Long.toHexString(pointerEnd)
                    + " must not pass 0x" + Long.toHexString(X86Layout.BASE_MEMORY_END));
        }
    }

    /** The byte that makes the sum of {@code bytes} 0 mod 256 (its own slot must hold 0). */
    private static byte checksum(final byte[] bytes) {
        int sum = 0;
        for (final byte b : bytes) {
            sum += b;
        }
        return (byte) -sum;
    }

    private static byte[] ascii(final String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
