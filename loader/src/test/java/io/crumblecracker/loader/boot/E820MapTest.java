package io.crumblecracker.loader.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class E820MapTest {

    @Test
    void shouldKeepEntriesSortedWhateverTheInsertionOrder() {
        final E820Map map = new E820Map()
                .add(0x10_0000, 0x100_0000, E820Type.RAM)
                .add(0, 0x9_fc00, E820Type.RAM)
                .add(0x9_fc00, 0x400, E820Type.RESERVED);

        assertEquals(List.of(0L, 0x9_fc00L, 0x10_0000L), map.entries().stream().map(E820Entry::address).toList());
        assertEquals(2, map.ram().size());
    }

    @Test
    void shouldAcceptAdjacentEntries() {
        final E820Map map = new E820Map().add(0, 0x1000, E820Type.RAM).add(0x1000, 0x1000, E820Type.ACPI);

        assertEquals(2, map.size());
    }

    @Test
    void shouldRejectOverlappingEntries() {
        final E820Map map = new E820Map().add(0x1000, 0x2000, E820Type.RAM);

        final BootException e = assertThrows(BootException.class, () -> map.add(0x2fff, 0x10, E820Type.RESERVED));

        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        assertEquals(1, map.size());
    }

    @Test
    void shouldRejectEntryInsideAnother() {
        final E820Map map = new E820Map().add(0, 0x10_0000, E820Type.RAM);

        assertThrows(BootException.class, () -> map.add(0x1000, 0x1000, E820Type.NVS));
    }

    @Test
    void shouldRejectEmptyAndWrappingEntries() {
        assertThrows(BootException.class, () -> new E820Map().add(0x1000, 0, E820Type.RAM));
        assertThrows(BootException.class, () -> new E820Map().add(-4096, 8192, E820Type.RAM));
    }

    @Test
    void shouldHoldAtMost128Entries() {
        final E820Map map = new E820Map();
        for (int i = 0; i < E820Map.MAX_ENTRIES; i++) {
            map.add(i * 0x2000L, 0x1000, E820Type.RAM);
        }

        final BootException e = assertThrows(BootException.class,
                () -> map.add(0x1000_0000, 0x1000, E820Type.RAM));

        assertTrue(e.getMessage().contains("128"), e.getMessage());
    }

    @Test
    void shouldEncodeTwentyBytePackedEntries() {
        final E820Map map = new E820Map()
                .add(0x1_0000_0000L, 0x4000_0000, E820Type.RAM)
                .add(0x9_fc00, 0x400, E820Type.UNUSABLE);

        final ByteBuffer bytes = ByteBuffer.wrap(map.toBytes()).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(40, bytes.capacity());
        assertEquals(0x9_fc00L, bytes.getLong(0));
        assertEquals(0x400L, bytes.getLong(8));
        assertEquals(5, bytes.getInt(16));
        assertEquals(0x1_0000_0000L, bytes.getLong(20));
        assertEquals(0x4000_0000L, bytes.getLong(28));
        assertEquals(1, bytes.getInt(36));
    }

    @Test
    void shouldUseSpecTypeCodes() {
        assertEquals(List.of(1, 2, 3, 4, 5), List.of(E820Type.values()).stream().map(E820Type::code).toList());
    }
}
