package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class LapicLvtTest {

    @Test
    void shouldWireLint0ToExtIntAndLint1ToNmi() {
        final MemorySegment regs = MemorySegment.ofArray(new byte[LapicLvt.LAPIC_STATE_SIZE]);
        regs.set(ValueLayout.JAVA_INT_UNALIGNED, 0x350, 0x0001_0000);
        regs.set(ValueLayout.JAVA_INT_UNALIGNED, 0x360, 0x0001_0000);
        LapicLvt.setLint(regs);
        assertEquals(0x700, LapicLvt.register(regs, LapicLvt.LVT_LINT0));
        assertEquals(0x400, LapicLvt.register(regs, LapicLvt.LVT_LINT1));
    }

    @Test
    void shouldKeepVectorTriggerAndNeighbours() {
        final byte[] page = new byte[LapicLvt.LAPIC_STATE_SIZE];
        final MemorySegment regs = MemorySegment.ofArray(page);
        regs.set(ValueLayout.JAVA_INT_UNALIGNED, 0x340, 0xdead_beef);
        regs.set(ValueLayout.JAVA_INT_UNALIGNED, 0x350, 0x0001_a2fe);
        regs.set(ValueLayout.JAVA_INT_UNALIGNED, 0x370, 0x1234_5678);
        LapicLvt.setLint(page);
        assertEquals(0x0000_a7fe, LapicLvt.register(regs, LapicLvt.LVT_LINT0));
        assertEquals(0xdead_beef, LapicLvt.register(regs, 0x340));
        assertEquals(0x1234_5678, LapicLvt.register(regs, 0x370));
    }

    @Test
    void shouldReplaceOnlyTheDeliveryModeAndMask() {
        assertEquals(0x0000_8420, LapicLvt.withDeliveryMode(0x0001_8720, LapicLvt.MODE_NMI));
    }

    @Test
    void shouldRejectAShortRegisterPage() {
        assertThrows(IllegalArgumentException.class, () -> LapicLvt.setLint(new byte[1023]));
    }
}
