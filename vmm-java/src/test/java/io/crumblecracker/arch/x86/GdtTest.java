package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class GdtTest {

    @Test
    void shouldEncodeA64BitCodeDescriptor() {
        assertEquals(0x00af_9b00_0000_ffffL, Gdt.entry(0xa09b, 0, 0xfffff));
    }

    @Test
    void shouldEncodeDataAndTssDescriptors() {
        assertEquals(0x00cf_9300_0000_ffffL, Gdt.entry(0xc093, 0, 0xfffff));
        assertEquals(0x008f_8b00_0000_ffffL, Gdt.entry(0x808b, 0, 0xfffff));
    }

    @Test
    void shouldScatterBaseAndLimitBits() {
        assertEquals(0x124a_9b34_5678_bcdeL, Gdt.entry(0x409b, 0x1234_5678L, 0xabcdeL));
        final long e = Gdt.entry(0x409b, 0x1234_5678L, 0xabcdeL);
        assertEquals(0x12L, e >>> 56);
        assertEquals(0x34_5678L, e >>> 16 & 0xff_ffffL);
        assertEquals(0xbcdeL, e & 0xffffL);
        assertEquals(0xaL, e >>> 48 & 0xf);
        assertEquals(0x4L, e >>> 52 & 0xf);
        assertEquals(0x9bL, e >>> 40 & 0xff);
    }

    @Test
    void shouldIgnoreFlagBitsThatOverlapTheLimit() {
        assertEquals(Gdt.entry(0xa09b, 0, 0xfffff), Gdt.entry(0xaf9b, 0, 0xfffff));
    }

    @Test
    void shouldRejectOversizedBaseOrLimit() {
        assertThrows(IllegalArgumentException.class, () -> Gdt.entry(0xa09b, 0x1_0000_0000L, 0));
        assertThrows(IllegalArgumentException.class, () -> Gdt.entry(0xa09b, 0, 0x10_0000L));
    }

    @Test
    void shouldBuildTheBootTable() {
        final Gdt gdt = Gdt.boot();
        assertEquals(4, gdt.size());
        assertEquals(31, gdt.limit());
        assertEquals(0L, gdt.entry(0));
        assertEquals(0x08, gdt.codeSegment().selector());
        assertEquals(1, gdt.codeSegment().l());
        assertEquals(0x10, gdt.dataSegment().selector());
        assertEquals(0x18, gdt.tssSegment().selector());
    }

    @Test
    void shouldWriteDescriptorsLittleEndian() {
        final GuestMemory memory = SegmentGuestMemory.of(MemorySegment.ofArray(new byte[0x1000]));
        Gdt.boot().writeTo(memory, X86Layout.GDT);
        assertEquals(0L, memory.readU64(0x500));
        assertEquals(0x00af_9b00_0000_ffffL, memory.readU64(0x508));
        assertEquals(0x00cf_9300_0000_ffffL, memory.readU64(0x510));
        assertEquals(0x008f_8b00_0000_ffffL, memory.readU64(0x518));
        assertEquals(0xff, memory.readU8(0x508));
        assertEquals(0x00, memory.readU8(0x50f));
    }
}
