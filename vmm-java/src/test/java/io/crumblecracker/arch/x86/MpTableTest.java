package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MpTableTest {

    private final GuestMemory memory = SegmentGuestMemory.of(MemorySegment.ofArray(new byte[0x100000]));

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 37, 38, 64})
    void shouldChecksumBothStructuresToZero(final int cpus) {
        MpTable.write(memory, cpus);
        assertEquals(0, byteSum(X86Layout.MPTABLE, 16));
        assertEquals(0, byteSum(configTable(), memory.readU16(configTable() + 4)));
    }

    @Test
    void shouldPutSignaturesWhereLinuxLooks() {
        MpTable.write(memory, 2);
        assertEquals("_MP_", ascii(X86Layout.MPTABLE, 4));
        assertEquals(0x9f000L, configTable());
        assertEquals(1, memory.readU8(X86Layout.MPTABLE + 8));
        assertEquals(4, memory.readU8(X86Layout.MPTABLE + 9));
        assertEquals(0, memory.readU8(X86Layout.MPTABLE + 11));
        assertEquals("PCMP", ascii(configTable(), 4));
        assertEquals(4, memory.readU8(configTable() + 6));
        assertEquals(0xfee0_0000, memory.readU32(configTable() + 36));
        assertEquals(0, X86Layout.MPTABLE % 16);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 64})
    void shouldListOneEnabledProcessorPerCpu(final int cpus) {
        MpTable.write(memory, cpus);
        final List<Long> processors = entriesOfType(MpTable.TYPE_PROCESSOR);
        assertEquals(cpus, processors.size());
        for (int cpu = 0; cpu < cpus; cpu++) {
            final long at = processors.get(cpu);
            assertEquals(cpu, memory.readU8(at + 1));
            assertEquals(0x14, memory.readU8(at + 2));
            assertEquals(cpu == 0 ? 3 : 1, memory.readU8(at + 3));
        }
    }

    @Test
    void shouldCountEveryEntryInTheHeader() {
        MpTable.write(memory, 3);
        final int total = entriesOfType(-1).size();
        assertEquals(3 + 1 + 1 + 24 + 2, total);
        assertEquals(total, memory.readU16(configTable() + 34));
        assertEquals(MpTable.configTableLength(3), memory.readU16(configTable() + 4));
    }

    @Test
    void shouldDescribeTheIsaBusAndIoApic() {
        MpTable.write(memory, 4);
        final long bus = entriesOfType(MpTable.TYPE_BUS).get(0);
        assertEquals("ISA   ", ascii(bus + 2, 6));
        final long ioApic = entriesOfType(MpTable.TYPE_IOAPIC).get(0);
        assertEquals(4, memory.readU8(ioApic + 1));
        assertEquals(0x11, memory.readU8(ioApic + 2));
        assertEquals(1, memory.readU8(ioApic + 3));
        assertEquals(0xfec0_0000, memory.readU32(ioApic + 4));
    }

    @Test
    void shouldRouteEachIsaIrqToTheSameIoApicPin() {
        MpTable.write(memory, 2);
        final List<Long> interrupts = entriesOfType(MpTable.TYPE_IO_INTERRUPT);
        assertEquals(24, interrupts.size());
        for (int irq = 0; irq < 24; irq++) {
            final long at = interrupts.get(irq);
            assertEquals(0, memory.readU8(at + 1), "type INT");
            assertEquals(0, memory.readU16(at + 2), "conforming");
            assertEquals(0, memory.readU8(at + 4), "bus");
            assertEquals(irq, memory.readU8(at + 5));
            assertEquals(2, memory.readU8(at + 6), "IOAPIC id");
            assertEquals(irq, memory.readU8(at + 7));
        }
    }

    @Test
    void shouldWireExtIntAndNmiToEveryLocalApic() {
        MpTable.write(memory, 2);
        final List<Long> locals = entriesOfType(MpTable.TYPE_LOCAL_INTERRUPT);
        assertEquals(2, locals.size());
        assertEquals(3, memory.readU8(locals.get(0) + 1));
        assertEquals(0xff, memory.readU8(locals.get(0) + 6));
        assertEquals(0, memory.readU8(locals.get(0) + 7));
        assertEquals(1, memory.readU8(locals.get(1) + 1));
        assertEquals(0xff, memory.readU8(locals.get(1) + 6));
        assertEquals(1, memory.readU8(locals.get(1) + 7));
    }

    @Test
    void shouldFitBelowSixHundredFortyKibForSixtyFourCpus() {
        final int length = MpTable.configTableLength(64);
        assertEquals(44 + 64 * 20 + 28 * 8, length);
        assertTrue(X86Layout.MP_CONFIG_TABLE + length <= X86Layout.MPTABLE);
        assertTrue(X86Layout.MPTABLE + 16 <= 0xa0000);
    }

    @Test
    void shouldRejectZeroAndSixtyFiveCpus() {
        assertThrows(IllegalArgumentException.class, () -> MpTable.write(memory, 0));
        assertThrows(IllegalArgumentException.class, () -> MpTable.write(memory, 65));
    }

    private long configTable() {
        return Integer.toUnsignedLong(memory.readU32(X86Layout.MPTABLE + 4));
    }

    /** Addresses of base-table entries of {@code type}, or of every entry if {@code type} is -1. */
    private List<Long> entriesOfType(final int type) {
        final long table = configTable();
        final long end = table + memory.readU16(table + 4);
        final List<Long> found = new ArrayList<>();
        long at = table + MpTable.HEADER_SIZE;
        while (at < end) {
            final int entryType = memory.readU8(at);
            if (type == -1 || entryType == type) {
                found.add(at);
            }
            at += entryType == MpTable.TYPE_PROCESSOR ? MpTable.PROCESSOR_ENTRY_SIZE : MpTable.SHORT_ENTRY_SIZE;
        }
        assertEquals(end, at, "entries end exactly at the table length");
        return found;
    }

    private int byteSum(final long address, final int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += memory.readU8(address + i);
        }
        return sum & 0xff;
    }

    private String ascii(final long address, final int length) {
        final byte[] bytes = new byte[length];
        memory.read(address, bytes, 0, length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
