package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class LongModeBootStateTest {

    private static final long ENTRY = 0x100_0200L;

    private final GuestMemory memory = SegmentGuestMemory.of(MemorySegment.ofArray(new byte[0x10000]));

    @Test
    void shouldWriteGdtIdtAndPageTables() {
        memory.fill(0, 0x10000, (byte) 0x5a);
        LongModeBootState.prepare(memory, ENTRY, X86Layout.ZERO_PAGE);
        assertEquals(0L, memory.readU64(X86Layout.GDT));
        assertEquals(0x00af_9b00_0000_ffffL, memory.readU64(X86Layout.GDT + 8));
        assertEquals(0L, memory.readU64(X86Layout.IDT));
        assertEquals(0xa003L, memory.readU64(X86Layout.PML4));
    }

    @Test
    void shouldEnterLongModeWithPaging() {
        final LongModeBootState s = LongModeBootState.prepare(memory, ENTRY, X86Layout.ZERO_PAGE);
        assertEquals(0x8000_0011L, s.cr0());
        assertEquals(0x9000L, s.cr3());
        assertEquals(0x20L, s.cr4());
        assertEquals(0x500L, s.efer());
    }

    @Test
    void shouldUseBootProtocolSegments() {
        final LongModeBootState s = LongModeBootState.prepare(memory, ENTRY, X86Layout.ZERO_PAGE);
        assertEquals(0x08, s.cs().selector());
        assertEquals(1, s.cs().l());
        for (final SegmentRegister data : new SegmentRegister[] {s.ds(), s.es(), s.fs(), s.gs(), s.ss()}) {
            assertEquals(0x10, data.selector());
            assertEquals(0x3, data.type());
            assertEquals(0xffff_ffff, data.limit());
        }
        assertEquals(0x18, s.tr().selector());
        assertEquals(X86Layout.GDT, s.gdtBase());
        assertEquals(31, s.gdtLimit());
        assertEquals(X86Layout.IDT, s.idtBase());
        assertEquals(7, s.idtLimit());
    }

    @Test
    void shouldSetEntryStackZeroPageAndFlags() {
        final LongModeBootState s = LongModeBootState.prepare(memory, ENTRY, 0x7000L);
        assertEquals(ENTRY, s.rip());
        assertEquals(0x8ff0L, s.rsp());
        assertEquals(0x8ff0L, s.rbp());
        assertEquals(0x7000L, s.rsi());
        assertEquals(0x2L, s.rflags());
    }

    @Test
    void shouldStartRealModeGuestsAtCsZero() {
        final RealModeState s = RealModeState.at(0x1000);
        assertEquals(0x1000L, s.rip());
        assertEquals(0x2L, s.rflags());
        assertEquals(0L, s.cs().base());
        assertEquals(0, s.cs().selector());
        assertEquals(0xffff, s.cs().limit());
        assertEquals(1, s.cs().present());
        assertEquals(1, s.cs().s());
        assertThrows(IllegalArgumentException.class, () -> RealModeState.at(0x10000));
        assertThrows(IllegalArgumentException.class, () -> RealModeState.at(-1));
    }
}
