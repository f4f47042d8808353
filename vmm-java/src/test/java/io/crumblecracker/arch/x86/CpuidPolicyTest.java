package io.crumblecracker.arch.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuidPolicyTest {

    /** Leaf 1 as a host might report it: APIC id 0x2a, 16 logical, CLFLUSH 8, PDCM set, HTT clear. */
    private static final CpuidEntry LEAF_1 = new CpuidEntry(1, 0, 0, 0x000906ea, 0x2a10_0800, 0x76fa_b203,
            0x0f8b_fbff);
    private static final CpuidEntry SIGNATURE = new CpuidEntry(0x4000_0000, 0, 0, 0x4000_0001, 0x4b4d_564b,
            0x564b_4d56, 0x4d);

    private static final List<CpuidEntry> HOST = List.of(
            new CpuidEntry(0, 0, 0, 0x1f, 0x756e_6547, 0x6c65_746e, 0x4965_6e69),
            LEAF_1,
            new CpuidEntry(4, 0, 1, 0x1c00_4121, 0x01c0_003f, 0x3f, 0),
            new CpuidEntry(4, 1, 1, 0x1c00_4122, 0x01c0_003f, 0x3f, 0),
            new CpuidEntry(4, 2, 1, 0x1c00_4143, 0x03c0_003f, 0x3ff, 0),
            new CpuidEntry(4, 3, 1, 0x1c03_c163, 0x03c0_003f, 0x3fff, 6),
            new CpuidEntry(4, 4, 1, 0, 0, 0, 0),
            new CpuidEntry(6, 0, 0, 0x77, 0x2, 0x9, 0),
            new CpuidEntry(0xa, 0, 0, 0x0703_0804, 0, 0, 0x603),
            new CpuidEntry(0xb, 0, 1, 1, 2, 0x100, 0x2a),
            new CpuidEntry(0x1f, 0, 1, 1, 2, 0x100, 0x2a),
            SIGNATURE);

    @Test
    void shouldSetApicIdAndPackageSizeInLeafOne() {
        final CpuidEntry leaf = find(CpuidPolicy.forVcpu(HOST, 3, 5), 1, 0);
        assertEquals(3, leaf.ebx() >>> 24);
        assertEquals(8, leaf.ebx() >>> 16 & 0xff);
        assertEquals(0x0800, leaf.ebx() & 0xffff, "CLFLUSH and brand index kept");
        assertEquals(LEAF_1.eax(), leaf.eax());
    }

    @Test
    void shouldFlagHypervisorAndTscDeadlineButNotPdcm() {
        final CpuidEntry leaf = find(CpuidPolicy.forVcpu(HOST, 0, 1), 1, 0);
        assertTrue(leaf.ecx() < 0, "bit 31");
        assertTrue((leaf.ecx() & 1 << 24) != 0);
        assertEquals(0, leaf.ecx() & 1 << 15);
        final int others = ~(1 << 31 | 1 << 24 | 1 << 15);
        assertEquals(LEAF_1.ecx() & others, leaf.ecx() & others);
    }

    @Test
    void shouldSetHttOnlyWithSeveralVcpus() {
        assertEquals(0, find(CpuidPolicy.forVcpu(HOST, 0, 1), 1, 0).edx() & 1 << 28);
        assertTrue((find(CpuidPolicy.forVcpu(HOST, 0, 2), 1, 0).edx() & 1 << 28) != 0);
        assertEquals(1, find(CpuidPolicy.forVcpu(HOST, 0, 1), 1, 0).ebx() >>> 16 & 0xff);
        assertEquals(64, find(CpuidPolicy.forVcpu(HOST, 63, 64), 1, 0).ebx() >>> 16 & 0xff);
    }

    @Test
    void shouldDescribeCachesForOneThreadPerCore() {
        final List<CpuidEntry> out = CpuidPolicy.forVcpu(HOST, 0, 6);
        for (int sub = 0; sub < 3; sub++) {
            final CpuidEntry cache = find(out, 4, sub);
            assertEquals(5, cache.eax() >>> 26, "cores - 1");
            assertEquals(0, cache.eax() >>> 14 & 0xfff, "L1/L2 private");
            assertEquals(HOST.get(2 + sub).eax() & 0x3fff, cache.eax() & 0x3fff);
        }
        final CpuidEntry l3 = find(out, 4, 3);
        assertEquals(5, l3.eax() >>> 26);
        assertEquals(5, l3.eax() >>> 14 & 0xfff, "L3 shared by all");
        assertEquals(new CpuidEntry(4, 4, 1, 0, 0, 0, 0), find(out, 4, 4));
    }

    @Test
    void shouldKeepOnlyAratInLeafSix() {
        assertEquals(new CpuidEntry(6, 0, 0, 0x4, 0, 0, 0), find(CpuidPolicy.forVcpu(HOST, 0, 1), 6, 0));
    }

    @Test
    void shouldHideThePmu() {
        assertEquals(new CpuidEntry(0xa, 0, 0, 0, 0, 0, 0), find(CpuidPolicy.forVcpu(HOST, 0, 1), 0xa, 0));
    }

    @Test
    void shouldDescribeTopologyWithX2ApicIds() {
        final List<CpuidEntry> out = CpuidPolicy.forVcpu(HOST, 4, 5);
        assertEquals(new CpuidEntry(0xb, 0, 1, 0, 1, 0x100, 4), find(out, 0xb, 0));
        assertEquals(new CpuidEntry(0xb, 1, 1, 3, 5, 0x201, 4), find(out, 0xb, 1));
        assertNull(find(out, 0xb, 2));
        assertEquals(2, out.stream().filter(e -> e.function() == 0xb).count());
    }

    @Test
    void shouldMirrorTopologyIntoLeaf1f() {
        final List<CpuidEntry> out = CpuidPolicy.forVcpu(HOST, 1, 2);
        assertEquals(new CpuidEntry(0x1f, 0, 1, 0, 1, 0x100, 1), find(out, 0x1f, 0));
        assertEquals(new CpuidEntry(0x1f, 1, 1, 1, 2, 0x201, 1), find(out, 0x1f, 1));
    }

    @Test
    void shouldInvalidateHigherTopologySubleaves() {
        final List<CpuidEntry> host = List.of(new CpuidEntry(0xb, 0, 1, 1, 2, 0x100, 0),
                new CpuidEntry(0xb, 1, 1, 4, 8, 0x201, 0), new CpuidEntry(0xb, 2, 1, 0, 0, 2, 0));
        final List<CpuidEntry> out = CpuidPolicy.forVcpu(host, 0, 1);
        assertEquals(new CpuidEntry(0xb, 1, 1, 0, 1, 0x201, 0), find(out, 0xb, 1));
        assertEquals(new CpuidEntry(0xb, 2, 1, 0, 0, 2, 0), find(out, 0xb, 2));
        assertNull(find(out, 0x1f, 0));
    }

    @Test
    void shouldLeaveKvmSignatureAndUnknownLeavesAlone() {
        final List<CpuidEntry> out = CpuidPolicy.forVcpu(HOST, 0, 2);
        assertEquals(SIGNATURE, find(out, 0x4000_0000, 0));
        assertEquals(HOST.get(0), find(out, 0, 0));
    }

    @Test
    void shouldNotAddTopologyTheHostLacks() {
        final List<CpuidEntry> out = CpuidPolicy.forVcpu(List.of(LEAF_1), 0, 2);
        assertEquals(1, out.size());
        assertFalse(out.stream().anyMatch(e -> e.function() == 0xb));
    }

    @Test
    void shouldRejectBadVcpuNumbers() {
        assertThrows(IllegalArgumentException.class, () -> CpuidPolicy.forVcpu(HOST, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> CpuidPolicy.forVcpu(HOST, 0, 65));
        assertThrows(IllegalArgumentException.class, () -> CpuidPolicy.forVcpu(HOST, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> CpuidPolicy.forVcpu(HOST, -1, 2));
    }

    @Test
    void shouldCountApicIdBits() {
        assertEquals(0, CpuidPolicy.idBits(1));
        assertEquals(1, CpuidPolicy.idBits(2));
        assertEquals(2, CpuidPolicy.idBits(3));
        assertEquals(2, CpuidPolicy.idBits(4));
        assertEquals(6, CpuidPolicy.idBits(64));
    }

    private static CpuidEntry find(final List<CpuidEntry> entries, final int function, final int index) {
        return entries.stream().filter(e -> e.function() == function && e.index() == index).findFirst()
                .orElse(null);
    }
}
