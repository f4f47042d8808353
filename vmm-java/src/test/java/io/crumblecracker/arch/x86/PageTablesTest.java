package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PageTablesTest {

    private GuestMemory memory;

    @BeforeEach
    void dirtyMemory() {
        memory = SegmentGuestMemory.of(MemorySegment.ofArray(new byte[0x10000]));
        memory.fill(0, 0x10000, (byte) 0xa5);
    }

    @Test
    void shouldReturnThePml4AsCr3() {
        assertEquals(0x9000L, PageTables.write(memory));
    }

    @Test
    void shouldPointPml4EntryZeroAtThePdpt() {
        PageTables.write(memory);
        assertEquals(0xa003L, memory.readU64(X86Layout.PML4));
        assertEquals(0L, memory.readU64(X86Layout.PML4 + 8));
        assertEquals(0L, memory.readU64(X86Layout.PML4 + 511 * 8));
    }

    @Test
    void shouldPointFourPdptEntriesAtTheDirectories() {
        PageTables.write(memory);
        for (int i = 0; i < 4; i++) {
            assertEquals(0xb003L + i * 0x1000L, memory.readU64(X86Layout.PDPT + i * 8L));
        }
        assertEquals(0L, memory.readU64(X86Layout.PDPT + 4 * 8));
        assertEquals(0L, memory.readU64(X86Layout.PDPT + 511 * 8));
    }

    @Test
    void shouldIdentityMapEveryTwoMibPage() {
        PageTables.write(memory);
        for (long page = 0; page < 2048; page++) {
            final long entry = memory.readU64(X86Layout.PD_START + page * 8);
            assertEquals((page << 21) | 0x83L, entry, "page " + page);
        }
    }

    @Test
    void shouldMapThreeGibAtTheStartOfTheLastDirectory() {
        PageTables.write(memory);
        final long index = 0xC000_0000L >>> 21;
        assertEquals(1536L, index);
        assertEquals(0xC000_0083L, memory.readU64(X86Layout.PD_START + index * 8));
        assertEquals(X86Layout.PD_START + 3 * 0x1000L, X86Layout.PD_START + index * 8);
        assertEquals(0xFFE0_0083L, memory.readU64(X86Layout.PAGE_TABLES_END - 8));
    }

    @Test
    void shouldEncodeHugePageEntries() {
        assertEquals(0x20_0083L, PageTables.hugePageEntry(0x20_0000L));
    }
}
