package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class X86LayoutTest {

    private static final long GIB = 1L << 30;

    @Test
    void shouldPlaceSmallRamBelowTheGap() {
        assertEquals(List.of(new X86Layout.RamRange(0, 512L << 20)), X86Layout.ramRanges(512L << 20));
    }

    @Test
    void shouldFillUpToTheGapExactly() {
        assertEquals(List.of(new X86Layout.RamRange(0, 3 * GIB)), X86Layout.ramRanges(3 * GIB));
    }

    @Test
    void shouldPutTheRemainderAboveFourGib() {
        final List<X86Layout.RamRange> ranges = X86Layout.ramRanges(5 * GIB);
        assertEquals(List.of(new X86Layout.RamRange(0, 3 * GIB), new X86Layout.RamRange(4 * GIB, 2 * GIB)), ranges);
        assertEquals(6 * GIB, ranges.get(1).end());
    }

    @Test
    void shouldRejectEmptyOrUnalignedRam() {
        assertThrows(IllegalArgumentException.class, () -> X86Layout.ramRanges(0));
        assertThrows(IllegalArgumentException.class, () -> X86Layout.ramRanges(-4096));
        assertThrows(IllegalArgumentException.class, () -> X86Layout.ramRanges(4097));
    }

    @Test
    void shouldKeepBootStructuresApart() {
        assertTrue(X86Layout.GDT + 4 * 8 <= X86Layout.IDT);
        assertTrue(X86Layout.IDT + 8 <= X86Layout.ZERO_PAGE);
        assertTrue(X86Layout.ZERO_PAGE + X86Layout.PAGE_SIZE <= X86Layout.BOOT_STACK_POINTER);
        assertTrue(X86Layout.BOOT_STACK_POINTER < X86Layout.PML4);
        assertEquals(0xf000L, X86Layout.PAGE_TABLES_END);
        assertTrue(X86Layout.PAGE_TABLES_END <= X86Layout.CMDLINE);
        assertTrue(X86Layout.CMDLINE + X86Layout.CMDLINE_MAX <= X86Layout.EBDA_START);
        assertTrue(X86Layout.EBDA_START <= X86Layout.MPTABLE);
        assertTrue(X86Layout.MPTABLE + MpTable.FLOATING_POINTER_SIZE <= X86Layout.BASE_MEMORY_END);
    }

    @Test
    void shouldPutKvmPagesAndApicsInsideTheGap() {
        for (final long address : new long[] {X86Layout.VIRTIO_MMIO_BASE, X86Layout.IOAPIC, X86Layout.LAPIC,
            X86Layout.KVM_TSS_ADDRESS, X86Layout.KVM_IDENTITY_MAP_ADDRESS}) {
            assertTrue(address >= X86Layout.MMIO_GAP_START && address < X86Layout.MMIO_GAP_END,
                    () -> "address=0x" + Long.toHexString(address));
        }
        assertTrue(X86Layout.KVM_TSS_ADDRESS + 3 * X86Layout.PAGE_SIZE <= X86Layout.IOAPIC
                || X86Layout.KVM_TSS_ADDRESS >= X86Layout.LAPIC + X86Layout.PAGE_SIZE);
    }

    @Test
    void shouldNumberVirtioDevicesFromIrqFive() {
        assertEquals(0xD000_0000L, X86Layout.virtioMmioAddress(0));
        assertEquals(0xD000_2000L, X86Layout.virtioMmioAddress(2));
        assertEquals(5, X86Layout.virtioMmioIrq(0));
        assertEquals(23, X86Layout.virtioMmioIrq(18));
        assertThrows(IllegalArgumentException.class, () -> X86Layout.virtioMmioIrq(19));
        assertThrows(IllegalArgumentException.class, () -> X86Layout.virtioMmioAddress(-1));
    }
}
