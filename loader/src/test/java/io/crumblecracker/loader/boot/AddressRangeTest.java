package io.crumblecracker.loader.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestAddress;
import org.junit.jupiter.api.Test;

class AddressRangeTest {

    @Test
    void shouldDetectOverlapButNotAdjacency() {
        final AddressRange a = AddressRange.of(0x1000, 0x1000);

        assertTrue(a.overlaps(AddressRange.of(0x1fff, 1)));
        assertFalse(a.overlaps(AddressRange.of(0x2000, 0x1000)));
        assertFalse(a.overlaps(AddressRange.of(0x1800, 0)), "empty ranges overlap nothing");
    }

    @Test
    void shouldCompareUnsignedAboveTheSignBit() {
        final AddressRange high = AddressRange.of(0xffff_ffff_8100_0000L, 0x1000);

        assertTrue(high.contains(GuestAddress.of(0xffff_ffff_8100_0fffL)));
        assertFalse(high.overlaps(AddressRange.of(0x1000, 0x1000)));
        assertEquals(0x1000, high.size());
    }

    @Test
    void shouldRejectWrappingRange() {
        assertThrows(BootException.class, () -> AddressRange.of(-0x1000, 0x2000));
        assertThrows(BootException.class, () -> AddressRange.of(0, -1));
    }

    @Test
    void shouldRenderSizesForMessages() {
        assertEquals("300 MiB", Sizes.bytes(300L << 20));
        assertEquals("1.5 GiB", Sizes.bytes(3L << 29));
        assertEquals("17 bytes", Sizes.bytes(17));
        assertEquals("0x1000000", Sizes.hex(0x100_0000));
    }
}
