package io.crumblecracker.arch.x86;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns KVM's supported CPUID into what one vCPU of an {@code n}-vCPU guest is told: every vCPU is a
 * core of a single package with one thread per core, APIC id = vCPU index, no PMU.
 *
 * <p>Rules, after Firecracker's CPUID normalisation ({@code cpu_config/x86_64/cpuid/normalize.rs} and
 * {@code intel/normalize.rs}); every leaf not named passes through unchanged, including the KVM
 * signature leaves from 0x40000000:
 * <ul>
 *   <li>Leaf 1: EBX[31:24] = initial APIC id, because KVM reports the host CPU's; EBX[23:16] = the
 *       vCPU count rounded up to a power of two, the APIC ids reserved per package; EDX.HTT (28) set iff
 *       more than one vCPU, which makes that field valid; ECX.HYPERVISOR (31) set so the guest knows it
 *       is virtualised; ECX.TSC_DEADLINE (24) set, since the in-kernel LAPIC this VMM always creates
 *       emulates it (KVM leaves it out of the supported list for that reason); ECX.PDCM (15) cleared, as
 *       there is no PMU and so no IA32_PERF_CAPABILITIES.</li>
 *   <li>Leaf 4 (deterministic cache parameters): EAX[31:26] = cores per package - 1 = vCPUs - 1;
 *       EAX[25:14] = threads sharing the cache - 1: 0 for L1/L2 (per core), vCPUs - 1 for L3. Sub-leaves
 *       with cache type 0 (EAX[4:0], "no more caches", and all of leaf 4 on AMD) are left alone.</li>
 *   <li>Leaf 6 (thermal and power): everything cleared except EAX.ARAT (2). There is no thermal
 *       monitor or turbo to report, but the LAPIC timer does keep running in idle, and without ARAT
 *       Linux would mark it {@code C3STOP} and lean on a broadcast timer.</li>
 *   <li>Leaf 0xA (architectural performance monitoring): all zero. No virtual PMU is offered, so the
 *       guest neither programs counters nor takes PMU MSR exits.</li>
 *   <li>Leaf 0xB (extended topology): sub-leaf 0 is the SMT level (shift 0, 1 thread, type 1), sub-leaf
 *       1 the core level (shift = bits to cover every vCPU, vCPU count, type 2); any higher sub-leaf is
 *       invalid (type 0); EDX = x2APIC id everywhere. Sub-leaf 1 is added when missing: KVM stopped
 *       reporting it in Linux 6.2, but the guest needs it to find the package boundary.</li>
 *   <li>Leaf 0x1F (V2 extended topology), if the host has it: the same sub-leaves as leaf 0xB, as Intel
 *       defines 0x1F as a superset and Linux prefers it.</li>
 * </ul>
 *
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 2A, CPUID—CPU Identification</a>
 * @see <a href="https://docs.kernel.org/virt/kvm/x86/cpuid.html">KVM CPUID bits</a>
 */
public final class CpuidPolicy {

    /** The most vCPUs the rules describe: CPUID.4:EAX[31:26] holds cores - 1 in 6 bits. */
    public static final int MAX_VCPUS = 64;

    /** Leaf 1 ECX bit 15: perfmon and debug capability (IA32_PERF_CAPABILITIES). */
    static final int LEAF1_ECX_PDCM = 1 << 15;
    /** Leaf 1 ECX bit 24: TSC-deadline mode of the LAPIC timer. */
    static final int LEAF1_ECX_TSC_DEADLINE = 1 << 24;
    /** Leaf 1 ECX bit 31: running under a hypervisor. */
    static final int LEAF1_ECX_HYPERVISOR = 1 << 31;
    /** Leaf 1 EDX bit 28: EBX[23:16] is valid. */
    static final int LEAF1_EDX_HTT = 1 << 28;
    /** Leaf 6 EAX bit 2: APIC timer always running. */
    static final int LEAF6_EAX_ARAT = 1 << 2;

    private static final int LEAF_FEATURES = 0x1;
    private static final int LEAF_CACHE = 0x4;
    private static final int LEAF_POWER = 0x6;
    private static final int LEAF_PMU = 0xA;
    private static final int LEAF_TOPOLOGY = 0xB;
    private static final int LEAF_TOPOLOGY_V2 = 0x1F;
    private static final int CACHE_TYPE_MASK = 0x1f;
    private static final int DOMAIN_SMT = 1;
    private static final int DOMAIN_CORE = 2;

    private CpuidPolicy() {
    }

    /**
     * The CPUID entries to set on vCPU {@code vcpuId} of {@code vcpuCount}.
     *
     * @param supported what {@code KVM_GET_SUPPORTED_CPUID} returned; not modified
     * @param vcpuId    the vCPU index, which is also its APIC id, in {@code [0, vcpuCount)}
     * @param vcpuCount the number of vCPUs, 1 to {@link #MAX_VCPUS}
     * @return a new list: {@code supported} in order with the rules applied, plus any sub-leaves added
     */
    public static List<CpuidEntry> forVcpu(final List<CpuidEntry> supported, final int vcpuId,
                                           final int vcpuCount) {
        if (vcpuCount < 1 || vcpuCount > MAX_VCPUS) {
            throw new IllegalArgumentException("vcpuCount=" + vcpuCount + " outside [1, " + MAX_VCPUS + "]");
        }
        if (vcpuId < 0 || vcpuId >= vcpuCount) {
            throw new IllegalArgumentException("vcpuId=" + vcpuId + " outside [0, " + vcpuCount + ")");
        }
        final List<CpuidEntry> out = new ArrayList<>(supported.size() + 2);
        for (final CpuidEntry entry : supported) {
            final CpuidEntry normalised = normalise(entry, vcpuId, vcpuCount);
            if (normalised != null) {
                out.add(normalised);
            }
        }
        addTopology(supported, out, vcpuId, vcpuCount);
        return out;
    }

    /** Bits of APIC id that number {@code count} consecutive ids: ceil(log2(count)). */
    static int idBits(final int count) {
        return count <= 1 ? 0 : Integer.SIZE - Integer.numberOfLeadingZeros(count - 1);
    }

    /** Applies the per-leaf rule; {@code null} for topology entries, which {@link #addTopology} rebuilds. */
    private static CpuidEntry normalise(final CpuidEntry entry, final int vcpuId, final int vcpuCount) {
        return switch (entry.function()) {
            case LEAF_FEATURES -> features(entry, vcpuId, vcpuCount);
            case LEAF_CACHE -> (entry.eax() & CACHE_TYPE_MASK) == 0 ? entry : cache(entry, vcpuCount);
            case LEAF_POWER -> entry.withRegisters(entry.eax() & LEAF6_EAX_ARAT, 0, 0, 0);
            case LEAF_PMU -> entry.withRegisters(0, 0, 0, 0);
            case LEAF_TOPOLOGY, LEAF_TOPOLOGY_V2 -> null;
            default -> entry;
        };
    }

    private static CpuidEntry features(final CpuidEntry entry, final int vcpuId, final int vcpuCount) {
        final int perPackage = 1 << idBits(vcpuCount);
        final int ebx = entry.ebx() & 0x0000_ffff | perPackage << 16 | vcpuId << 24;
        final int ecx = (entry.ecx() | LEAF1_ECX_HYPERVISOR | LEAF1_ECX_TSC_DEADLINE) & ~LEAF1_ECX_PDCM;
        final int edx = vcpuCount > 1 ? entry.edx() | LEAF1_EDX_HTT : entry.edx() & ~LEAF1_EDX_HTT;
        return entry.withRegisters(entry.eax(), ebx, ecx, edx);
    }

    private static CpuidEntry cache(final CpuidEntry entry, final int vcpuCount) {
        final int level = entry.eax() >>> 5 & 0x7;
        final int sharing = level == 3 ? vcpuCount - 1 : 0;
        final int eax = entry.eax() & 0x3fff | sharing << 14 | (vcpuCount - 1) << 26;
        return entry.withRegisters(eax, entry.ebx(), entry.ecx(), entry.edx());
    }

    /** Appends the rebuilt 0xB sub-leaves (and 0x1F's) if the host reported those leaves at all. */
    private static void addTopology(final List<CpuidEntry> supported, final List<CpuidEntry> out, final int vcpuId,
                                    final int vcpuCount) {
        final int highest = highestSubleaf(supported, LEAF_TOPOLOGY);
        if (highest < 0) {
            return;
        }
        final List<CpuidEntry> levels = topologyLevels(LEAF_TOPOLOGY, Math.max(highest, 1), vcpuId, vcpuCount);
        out.addAll(levels);
        if (highestSubleaf(supported, LEAF_TOPOLOGY_V2) >= 0) {
            for (final CpuidEntry level : levels) {
                out.add(new CpuidEntry(LEAF_TOPOLOGY_V2, level.index(), level.flags(), level.eax(), level.ebx(),
                        level.ecx(), level.edx()));
            }
        }
    }

    private static List<CpuidEntry> topologyLevels(final int leaf, final int highest, final int vcpuId,
                                                   final int vcpuCount) {
        final List<CpuidEntry> levels = new ArrayList<>(highest + 1);
        levels.add(new CpuidEntry(leaf, 0, CpuidEntry.SIGNIFICANT_INDEX, 0, 1, DOMAIN_SMT << 8, vcpuId));
        levels.add(new CpuidEntry(leaf, 1, CpuidEntry.SIGNIFICANT_INDEX, idBits(vcpuCount), vcpuCount,
                DOMAIN_CORE << 8 | 1, vcpuId));
        for (int sub = 2; sub <= highest; sub++) {
            levels.add(new CpuidEntry(leaf, sub, CpuidEntry.SIGNIFICANT_INDEX, 0, 0, sub, vcpuId));
        }
        return levels;
    }

    private static int highestSubleaf(final List<CpuidEntry> entries, final int leaf) {
        int highest = -1;
        for (final CpuidEntry entry : entries) {
            if (entry.function() == leaf) {
                highest = Math.max(highest, entry.index());
            }
        }
        return highest;
    }
}
