package io.crumblecracker.testing;

import io.crumblecracker.kvm.Kvm;
import io.crumblecracker.kvm.KvmRegs;
import io.crumblecracker.kvm.KvmSregs;
import io.crumblecracker.kvm.KvmVcpu;
import io.crumblecracker.kvm.KvmVm;
import io.crumblecracker.kvm.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A micro-guest for KVM tests: 64 KiB of RAM at guest address 0, hand-assembled real-mode code at
 * {@link #CODE}, vCPUs starting there with {@code cs=0}. Anything at or above 64 KiB is unbacked, so
 * guest accesses there exit as MMIO.
 */
public final class RealModeGuest implements AutoCloseable {

    /** Where the code is loaded and every vCPU starts. */
    public static final int CODE = 0x1000;
    /** Bytes of guest RAM. */
    public static final int RAM = 0x10000;

    private final Arena arena = Arena.ofShared();
    private final Kvm kvm;
    private final KvmVm vm;
    private final MemorySegment ram;
    private final java.util.List<KvmVcpu> vcpus = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Creates the VM and its RAM; {@code irqchip} adds the in-kernel PIC/IOAPIC/LAPICs. */
    public RealModeGuest(final boolean irqchip) {
        kvm = Kvm.open();
        vm = kvm.createVm();
        vm.setTssAddress(0xFFFB_D000L);
        if (irqchip) {
            vm.createIrqchip();
        }
        ram = Libc.mmap(RAM, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, arena,
                "micro-guest RAM");
        vm.setUserMemoryRegion(0, 0, ram);
    }

    /** The VM, for irqfd/ioeventfd wiring. */
    public KvmVm vm() {
        return vm;
    }

    /** The guest's RAM. */
    public MemorySegment ram() {
        return ram;
    }

    /** Copies {@code code} to guest address {@code at}. */
    public void load(final int at, final int... code) {
        for (int i = 0; i < code.length; i++) {
            ram.set(ValueLayout.JAVA_BYTE, at + i, (byte) code[i]);
        }
    }

    /** Creates vCPU {@code id} in real mode at {@link #CODE} with {@code rax} preset. */
    public KvmVcpu vcpu(final int id, final long rax) {
        final KvmVcpu vcpu = vm.createVcpu(id, arena);
        vcpus.add(vcpu);
        final KvmSregs sregs = vcpu.getSregs(new KvmSregs(arena));
        sregs.setSegment(KvmSregs.Seg.CS, 0, 0xFFFF, 0, 0xB, 1, 0, 0, 1, 0, 0, 0);
        vcpu.setSregs(sregs);
        final KvmRegs regs = new KvmRegs(arena).set(KvmRegs.Reg.RIP, CODE).set(KvmRegs.Reg.RFLAGS, 2)
                .set(KvmRegs.Reg.RSP, 0x8000).set(KvmRegs.Reg.RAX, rax);
        vcpu.setRegs(regs);
        return vcpu;
    }

    /** An arena that lives as long as this guest. */
    public Arena arena() {
        return arena;
    }

    @Override
    public void close() {
        vcpus.forEach(KvmVcpu::close);
        vm.close();
        kvm.close();
        arena.close();
    }
}
