package io.crumblecracker.bench.kvm;

import io.crumblecracker.kvm.KvmRegs;
import io.crumblecracker.kvm.KvmSregs;
import io.crumblecracker.kvm.KvmVcpu;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The hand-assembled real-mode guests of the exit benchmarks, byte for byte the same as in
 * {@code benchmarks/native/exit_bench.c}, so Java and C run identical guest code. Real mode is guest
 * CPL0, where an exit's cost to the VMM is visible (ENVIRONMENT.md: ~8 µs per exit here from CPL0).
 */
final class ExitGuests {

    /** Where the code is loaded and the vCPU starts. */
    static final int CODE = 0x1000;
    /** The port the PIO loop writes. */
    static final int PORT = 0xF0;
    /** The guest physical address the MMIO loop writes (DS base 0x20000 + 0x10, outside RAM). */
    static final long MMIO_ADDRESS = 0x20010L;

    private static final int[] PIO_LOOP = {
        0x66, 0xB9, 0, 0, 0, 0,   // mov ecx, N
        0xE6, 0xF0,               // L: out 0xf0, al
        0x66, 0x49,               // dec ecx
        0x75, 0xFA,               // jnz L
        0xF4};                    // hlt
    private static final int[] MMIO_LOOP = {
        0xB8, 0x00, 0x20, 0x8E, 0xD8, // mov ax, 0x2000; mov ds, ax
        0x66, 0xB9, 0, 0, 0, 0,       // mov ecx, N
        0xA2, 0x10, 0x00,             // L: mov [0x10], al
        0x66, 0x49,                   // dec ecx
        0x75, 0xF9,                   // jnz L
        0xF4};

    private ExitGuests() {
    }

    /** Writes the PIO or MMIO loop doing {@code exits} exits into {@code ram}. */
    static void load(final MemorySegment ram, final boolean mmio, final int exits) {
        final int[] code = mmio ? MMIO_LOOP : PIO_LOOP;
        for (int i = 0; i < code.length; i++) {
            ram.set(ValueLayout.JAVA_BYTE, CODE + i, (byte) code[i]);
        }
        ram.set(ValueLayout.JAVA_INT_UNALIGNED, CODE + (mmio ? 7 : 2), exits);
    }

    /** Points {@code vcpu} at {@link #CODE} in real mode with {@code cs = 0}. */
    static void reset(final KvmVcpu vcpu, final Arena arena) {
        final KvmSregs sregs = vcpu.getSregs(new KvmSregs(arena));
        sregs.setSegment(KvmSregs.Seg.CS, 0, 0xFFFF, 0, 0xB, 1, 0, 0, 1, 0, 0, 0);
        vcpu.setSregs(sregs);
        vcpu.setRegs(new KvmRegs(arena).set(KvmRegs.Reg.RIP, CODE).set(KvmRegs.Reg.RFLAGS, 2)
                .set(KvmRegs.Reg.RSP, 0x8000));
    }
}
