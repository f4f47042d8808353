package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootMsrsTest {

    @Test
    void shouldClearSyscallStateAndTsc() {
        final Map<Integer, Long> msrs = asMap(BootMsrs.entries());
        for (final int index : new int[] {0x174, 0x175, 0x176, 0xc000_0081, 0xc000_0082, 0xc000_0083, 0xc000_0084,
            0xc000_0102, 0x10}) {
            assertEquals(0L, msrs.get(index), () -> "msr=0x" + Integer.toHexString(index));
        }
    }

    @Test
    void shouldEnableFastStringsAndWriteBackMtrrs() {
        final Map<Integer, Long> msrs = asMap(BootMsrs.entries());
        assertEquals(1L, msrs.get(0x1a0));
        assertEquals(0x806L, msrs.get(0x2ff));
        assertEquals(11, msrs.size());
    }

    @Test
    void shouldOfferParallelArrays() {
        final List<MsrEntry> entries = BootMsrs.entries();
        final int[] indexes = BootMsrs.indexes();
        final long[] values = BootMsrs.values();
        assertEquals(entries.size(), indexes.length);
        for (int i = 0; i < indexes.length; i++) {
            assertEquals(entries.get(i), new MsrEntry(indexes[i], values[i]));
        }
        indexes[0] = 42;
        assertArrayEquals(BootMsrs.indexes(), entries.stream().mapToInt(MsrEntry::index).toArray());
    }

    private static Map<Integer, Long> asMap(final List<MsrEntry> entries) {
        final Map<Integer, Long> map = new HashMap<>();
        entries.forEach(e -> map.put(e.index(), e.value()));
        return map;
    }
}
