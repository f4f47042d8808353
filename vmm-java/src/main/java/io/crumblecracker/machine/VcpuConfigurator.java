package io.crumblecracker.machine;

import io.crumblecracker.arch.x86.BootMsrs;
import io.crumblecracker.arch.x86.CpuidEntry;
import io.crumblecracker.arch.x86.CpuidPolicy;
import io.crumblecracker.arch.x86.LapicLvt;
import io.crumblecracker.arch.x86.LongModeBootState;
import io.crumblecracker.arch.x86.SegmentRegister;
import io.crumblecracker.kvm.KvmCpuid;
import io.crumblecracker.kvm.KvmRegs;
import io.crumblecracker.kvm.KvmSregs;
import io.crumblecracker.kvm.KvmVcpu;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a fresh vCPU to the state Linux expects: CPUID (per-vCPU APIC ids, hypervisor bit), boot
 * MSRs, a reset FPU, local APIC LINT0/LINT1 wired to ExtINT/NMI, and on the boot vCPU the 64-bit boot
 * protocol's registers. In compatibility mode the hypercall-based paravirtual features are hidden
 * ({@link KvmCompatibility#HYPERCALL_FEATURES}). The policy lives in {@code arch.x86}; this class only moves it into KVM.
 */
final class VcpuConfigurator {

    /** x87 control word after FNINIT. */
    private static final int FCW_RESET = 0x37F;
    /** MXCSR after reset: all SSE exceptions masked. */
    private static final int MXCSR_RESET = 0x1F80;

    private VcpuConfigurator() {
    }

    /** CPUID, MSRs, FPU and LAPIC for vCPU {@code vcpu} of {@code count}. */
    static void configure(final KvmVcpu vcpu, final KvmCpuid supported, final int count, final boolean compatibility,
                          final Arena arena) {
        List<CpuidEntry> cpuid = CpuidPolicy.forVcpu(fromKvm(supported), vcpu.id(), count);
        if (compatibility) {
            cpuid = withoutHypercallFeatures(cpuid);
        }
        vcpu.setCpuid(toKvm(cpuid, arena));
        vcpu.setMsrs(BootMsrs.indexes(), BootMsrs.values());
        vcpu.setFpu(FCW_RESET, MXCSR_RESET);
        final MemorySegment lapic = arena.allocate(LapicLvt.LAPIC_STATE_SIZE, 8);
        vcpu.getLapic(lapic);
        LapicLvt.setLint(lapic);
        vcpu.setLapic(lapic);
    }

    /** Loads the 64-bit boot protocol's segment, control and general registers into {@code vcpu}. */
    static void setBootState(final KvmVcpu vcpu, final LongModeBootState state, final Arena arena) {
        final KvmSregs sregs = vcpu.getSregs(new KvmSregs(arena));
        set(sregs, KvmSregs.Seg.CS, state.cs());
        set(sregs, KvmSregs.Seg.DS, state.ds());
        set(sregs, KvmSregs.Seg.ES, state.es());
        set(sregs, KvmSregs.Seg.FS, state.fs());
        set(sregs, KvmSregs.Seg.GS, state.gs());
        set(sregs, KvmSregs.Seg.SS, state.ss());
        set(sregs, KvmSregs.Seg.TR, state.tr());
        sregs.setGdt(state.gdtBase(), state.gdtLimit()).setIdt(state.idtBase(), state.idtLimit())
                .set(KvmSregs.Ctl.CR0, state.cr0()).set(KvmSregs.Ctl.CR3, state.cr3())
                .set(KvmSregs.Ctl.CR4, state.cr4()).set(KvmSregs.Ctl.EFER, state.efer());
        vcpu.setSregs(sregs);
        vcpu.setRegs(new KvmRegs(arena).set(KvmRegs.Reg.RIP, state.rip()).set(KvmRegs.Reg.RSP, state.rsp())
                .set(KvmRegs.Reg.RBP, state.rbp()).set(KvmRegs.Reg.RSI, state.rsi())
                .set(KvmRegs.Reg.RFLAGS, state.rflags()));
    }

    private static void set(final KvmSregs sregs, final KvmSregs.Seg seg, final SegmentRegister r) {
        sregs.setSegment(seg, r.base(), r.limit(), r.selector(), r.type(), r.present(), r.dpl(), r.db(), r.s(), r.l(),
                r.g(), r.avl());
    }

    private static List<CpuidEntry> withoutHypercallFeatures(final List<CpuidEntry> entries) {
        final List<CpuidEntry> result = new ArrayList<>(entries.size());
        for (final CpuidEntry e : entries) {
            result.add(e.function() == KvmCompatibility.KVM_CPUID_FEATURES
                    ? e.withRegisters(e.eax() & ~KvmCompatibility.HYPERCALL_FEATURES, e.ebx(), e.ecx(), e.edx())
                    : e);
        }
        return result;
    }

    private static List<CpuidEntry> fromKvm(final KvmCpuid cpuid) {
        final List<CpuidEntry> entries = new ArrayList<>(cpuid.count());
        for (int i = 0; i < cpuid.count(); i++) {
            entries.add(new CpuidEntry(cpuid.function(i), cpuid.index(i), cpuid.flags(i), cpuid.register(i, 0),
                    cpuid.register(i, 1), cpuid.register(i, 2), cpuid.register(i, 3)));
        }
        return entries;
    }

    private static KvmCpuid toKvm(final List<CpuidEntry> entries, final Arena arena) {
        final KvmCpuid cpuid = new KvmCpuid(arena);
        if (entries.size() > KvmCpuid.CAPACITY) {
            throw new IllegalStateException("cpuid has " + entries.size() + " entries, capacity " + KvmCpuid.CAPACITY);
        }
        for (int i = 0; i < entries.size(); i++) {
            final CpuidEntry e = entries.get(i);
            cpuid.set(i, e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx());
        }
        cpuid.setCount(entries.size());
        return cpuid;
    }
}
