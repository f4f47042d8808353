package io.crumblecracker.kvm;

import io.crumblecracker.kvm.sys.KvmLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct kvm_regs}: the general-purpose registers, rip and rflags, in a reusable buffer.
 *
 * <p>Not thread safe; one per vCPU thread.
 */
public final class KvmRegs {

    /** Register indexes in {@code kvm_regs} order. */
    public enum Reg { RAX, RBX, RCX, RDX, RSI, RDI, RSP, RBP, R8, R9, R10, R11, R12, R13, R14, R15, RIP, RFLAGS }

    final MemorySegment segment;

    /** Allocates a zeroed buffer in {@code arena}. */
    public KvmRegs(final Arena arena) {
        this.segment = arena.allocate(KvmLayouts.REGS_SIZE, 8);
    }

    /** Reads register {@code reg}. */
    public long get(final Reg reg) {
        return segment.get(ValueLayout.JAVA_LONG, reg.ordinal() * 8L);
    }

    /** Sets register {@code reg}; returns this for chaining. */
    public KvmRegs set(final Reg reg, final long value) {
        segment.set(ValueLayout.JAVA_LONG, reg.ordinal() * 8L, value);
        return this;
    }

    /** Zeroes every register. */
    public KvmRegs clear() {
        segment.fill((byte) 0);
        return this;
    }
}
