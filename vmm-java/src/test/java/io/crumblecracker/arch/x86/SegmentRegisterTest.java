package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SegmentRegisterTest {

    @Test
    void shouldDecodeTheBootCodeSegment() {
        final SegmentRegister cs = SegmentRegister.fromGdtEntry(1, 0x00af_9b00_0000_ffffL);
        assertEquals(new SegmentRegister(0, 0xffff_ffff, 0x08, 0xb, 1, 0, 0, 1, 1, 1, 0, 0), cs);
    }

    @Test
    void shouldDecodeTheBootDataSegment() {
        final SegmentRegister ds = SegmentRegister.fromGdtEntry(2, 0x00cf_9300_0000_ffffL);
        assertEquals(new SegmentRegister(0, 0xffff_ffff, 0x10, 0x3, 1, 0, 1, 1, 0, 1, 0, 0), ds);
    }

    @Test
    void shouldDecodeTheTssAsASystemSegment() {
        final SegmentRegister tr = SegmentRegister.fromGdtEntry(3, 0x008f_8b00_0000_ffffL);
        assertEquals(0x18, tr.selector());
        assertEquals(0xb, tr.type());
        assertEquals(0, tr.s());
        assertEquals(0, tr.db());
        assertEquals(0, tr.l());
    }

    @Test
    void shouldSplitBaseAndByteGranularLimit() {
        final SegmentRegister r = SegmentRegister.fromGdtEntry(5, Gdt.entry(0x40f3, 0x1234_5678L, 0xabcdeL));
        assertEquals(0x1234_5678L, r.base());
        assertEquals(0xabcde, r.limit());
        assertEquals(0, r.g());
        assertEquals(3, r.dpl());
        assertEquals(1, r.db());
        assertEquals(0x28, r.selector());
    }

    @Test
    void shouldExpandPageGranularLimit() {
        assertEquals(0x0000_1fff, SegmentRegister.fromGdtEntry(1, Gdt.entry(0x8093, 0, 1)).limit());
    }

    @Test
    void shouldMarkNotPresentDescriptorsUnusable() {
        final SegmentRegister nul = SegmentRegister.fromGdtEntry(0, 0L);
        assertEquals(0, nul.present());
        assertEquals(1, nul.unusable());
        assertEquals(0, nul.selector());
    }

    @Test
    void shouldRejectIndexesOutsideTheGdt() {
        assertThrows(IllegalArgumentException.class, () -> SegmentRegister.fromGdtEntry(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> SegmentRegister.fromGdtEntry(8192, 0));
    }
}
