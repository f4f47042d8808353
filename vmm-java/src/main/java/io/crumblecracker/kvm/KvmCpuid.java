package io.crumblecracker.kvm;

import static io.crumblecracker.kvm.sys.KvmLayouts.CPUID2_HEADER_SIZE;
import static io.crumblecracker.kvm.sys.KvmLayouts.CPUID_ENTRY_SIZE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct kvm_cpuid2} with room for {@link #CAPACITY} {@code kvm_cpuid_entry2}s: what
 * {@code KVM_GET_SUPPORTED_CPUID} fills and {@code KVM_SET_CPUID2} takes.
 *
 * <p>Entry fields are addressed by index; registers are {@code 0=eax, 1=ebx, 2=ecx, 3=edx}.
 */
public final class KvmCpuid {

    /** Entries this buffer holds; KVM reports E2BIG if it supports more. */
    public static final int CAPACITY = 256;

    final MemorySegment segment;

    /** Allocates an empty buffer in {@code arena}. */
    public KvmCpuid(final Arena arena) {
        this.segment = arena.allocate(CPUID2_HEADER_SIZE + (long) CAPACITY * CPUID_ENTRY_SIZE, 8);
        setCount(0);
    }

    /** The number of valid entries ({@code nent}). */
    public int count() {
        return segment.get(ValueLayout.JAVA_INT, 0);
    }

    /** Sets {@code nent}. */
    public void setCount(final int count) {
        if (count < 0 || count > CAPACITY) {
            throw new IllegalArgumentException("count=" + count + " outside [0, " + CAPACITY + "]");
        }
        segment.set(ValueLayout.JAVA_INT, 0, count);
    }

    /** The leaf ({@code function}) of entry {@code i}. */
    public int function(final int i) {
        return field(i, 0);
    }

    /** The sub-leaf ({@code index}) of entry {@code i}. */
    public int index(final int i) {
        return field(i, 4);
    }

    /** The {@code flags} of entry {@code i} (KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1). */
    public int flags(final int i) {
        return field(i, 8);
    }

    /** Register {@code reg} (0=eax .. 3=edx) of entry {@code i}. */
    public int register(final int i, final int reg) {
        return field(i, 12 + 4 * checkReg(reg));
    }

    /** Writes a whole entry {@code i}; registers in eax, ebx, ecx, edx order. */
    public void set(final int i, final int function, final int index, final int flags, final int eax, final int ebx,
                    final int ecx, final int edx) {
        final int[] values = {function, index, flags, eax, ebx, ecx, edx, 0, 0, 0};
        for (int f = 0; f < values.length; f++) {
            segment.set(ValueLayout.JAVA_INT, offset(i) + 4L * f, values[f]);
        }
    }

    private int field(final int i, final int at) {
        return segment.get(ValueLayout.JAVA_INT, offset(i) + at);
    }

    private static long offset(final int i) {
        if (i < 0 || i >= CAPACITY) {
            throw new IndexOutOfBoundsException("cpuid entry " + i);
        }
        return CPUID2_HEADER_SIZE + (long) i * CPUID_ENTRY_SIZE;
    }

    private static int checkReg(final int reg) {
        if (reg < 0 || reg > 3) {
            throw new IllegalArgumentException("reg=" + reg + " must be 0..3 (eax..edx)");
        }
        return reg;
    }
}
