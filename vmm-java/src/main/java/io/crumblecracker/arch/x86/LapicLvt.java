package io.crumblecracker.arch.x86;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Programs the local APIC's LINT pins for virtual-wire mode in the register page of
 * {@code struct kvm_lapic_state}, as Firecracker's {@code set_lint} does and a PC BIOS leaves it:
 * LINT0 delivers ExtINT (the 8259 PIC's output) and LINT1 delivers NMI. Other LVT bits (vector, trigger,
 * polarity) are kept; the mask bit is cleared so both pins are live before the kernel takes over the
 * APIC.
 *
 * <p>Use: {@code KVM_GET_LAPIC}, {@link #setLint(MemorySegment)}, {@code KVM_SET_LAPIC}.
 *
 * @see <a href="https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html">
 *      Intel SDM Vol. 3A §11.5.1, Local Vector Table (Figure 11-8)</a>
 * @see <a href="https://docs.kernel.org/virt/kvm/api.html#kvm-get-lapic">KVM API: KVM_GET_LAPIC</a>
 */
public final class LapicLvt {

    /** Bytes of {@code struct kvm_lapic_state}: the APIC's 4 KiB register page, first KiB. */
    public static final int LAPIC_STATE_SIZE = 1024;
    /** Offset of LVT LINT0. */
    public static final int LVT_LINT0 = 0x350;
    /** Offset of LVT LINT1. */
    public static final int LVT_LINT1 = 0x360;
    /** Delivery mode field, bits 8..10. */
    public static final int DELIVERY_MODE_MASK = 0x700;
    /** Bit 16: masked. */
    public static final int MASKED = 1 << 16;
    /** Delivery mode NMI. */
    public static final int MODE_NMI = 4;
    /** Delivery mode ExtINT. */
    public static final int MODE_EXTINT = 7;

    private static final ValueLayout.OfInt REGISTER = ValueLayout.JAVA_INT_UNALIGNED;

    private LapicLvt() {
    }

    /** Sets LINT0 to ExtINT and LINT1 to NMI, both unmasked, in {@code lapicState}. */
    public static void setLint(final MemorySegment lapicState) {
        if (lapicState.byteSize() < LAPIC_STATE_SIZE) {
            throw new IllegalArgumentException("lapicState size=" + lapicState.byteSize() + " is less than "
                    + LAPIC_STATE_SIZE);
        }
        update(lapicState, LVT_LINT0, MODE_EXTINT);
        update(lapicState, LVT_LINT1, MODE_NMI);
    }

    /** {@link #setLint(MemorySegment)} over a heap copy of the register page. */
    public static void setLint(final byte[] lapicState) {
        setLint(MemorySegment.ofArray(lapicState));
    }

    /** The 32-bit register at {@code offset} of {@code lapicState}. */
    public static int register(final MemorySegment lapicState, final int offset) {
        return lapicState.get(REGISTER, offset);
    }

    /** {@code lvt} with delivery mode {@code mode} and the mask bit clear. */
    public static int withDeliveryMode(final int lvt, final int mode) {
        return lvt & ~(DELIVERY_MODE_MASK | MASKED) | (mode << 8 & DELIVERY_MODE_MASK);
    }

    private static void update(final MemorySegment lapicState, final int offset, final int mode) {
        lapicState.set(REGISTER, offset, withDeliveryMode(register(lapicState, offset), mode));
    }
}
