package io.crumblecracker.kvm;

import static io.crumblecracker.kvm.sys.KvmLayouts.SEGMENT_SIZE;
import static io.crumblecracker.kvm.sys.KvmLayouts.SREGS_CR0;
import static io.crumblecracker.kvm.sys.KvmLayouts.SREGS_GDT;
import static io.crumblecracker.kvm.sys.KvmLayouts.SREGS_IDT;

import io.crumblecracker.kvm.sys.KvmLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct kvm_sregs}: segment registers, descriptor tables, control registers and EFER, in a
 * reusable buffer. Read it with {@link KvmVcpu#getSregs}, change fields, write it back.
 *
 * <p>Not thread safe; one per vCPU thread.
 */
public final class KvmSregs {

    /** Segment registers in {@code kvm_sregs} order. */
    public enum Seg { CS, DS, ES, FS, GS, SS, TR, LDT }

    /** Control registers and MSR-backed fields in {@code kvm_sregs} order, from {@code cr0}. */
    public enum Ctl { CR0, CR2, CR3, CR4, CR8, EFER, APIC_BASE }

    final MemorySegment segment;

    /** Allocates a zeroed buffer in {@code arena}. */
    public KvmSregs(final Arena arena) {
        this.segment = arena.allocate(KvmLayouts.SREGS_SIZE, 8);
    }

    /**
     * Sets a segment register ({@code struct kvm_segment}); flag arguments are 0 or 1.
     *
     * @return this, for chaining
     */
    @SuppressWarnings("checkstyle:ParameterNumber")
    public KvmSregs setSegment(final Seg seg, final long base, final int limit, final int selector, final int type,
                               final int present, final int dpl, final int db, final int s, final int l,
                               final int g, final int avl) {
        final long at = (long) seg.ordinal() * SEGMENT_SIZE;
        segment.set(ValueLayout.JAVA_LONG, at, base);
        segment.set(ValueLayout.JAVA_INT, at + 8, limit);
        segment.set(ValueLayout.JAVA_SHORT, at + 12, (short) selector);
        final byte[] flags = {(byte) type, (byte) present, (byte) dpl, (byte) db, (byte) s, (byte) l, (byte) g,
            (byte) avl, 0, 0};
        MemorySegment.copy(flags, 0, segment, ValueLayout.JAVA_BYTE, at + 14, flags.length);
        return this;
    }

    /** The base address of segment {@code seg}. */
    public long segmentBase(final Seg seg) {
        return segment.get(ValueLayout.JAVA_LONG, (long) seg.ordinal() * SEGMENT_SIZE);
    }

    /** The selector of segment {@code seg}. */
    public int segmentSelector(final Seg seg) {
        return Short.toUnsignedInt(segment.get(ValueLayout.JAVA_SHORT, (long) seg.ordinal() * SEGMENT_SIZE + 12));
    }

    /** Sets the GDT base and limit. */
    public KvmSregs setGdt(final long base, final int limit) {
        return setTable(SREGS_GDT, base, limit);
    }

    /** Sets the IDT base and limit. */
    public KvmSregs setIdt(final long base, final int limit) {
        return setTable(SREGS_IDT, base, limit);
    }

    /** Reads a control field. */
    public long get(final Ctl ctl) {
        return segment.get(ValueLayout.JAVA_LONG, SREGS_CR0 + ctl.ordinal() * 8L);
    }

    /** Sets a control field. */
    public KvmSregs set(final Ctl ctl, final long value) {
        segment.set(ValueLayout.JAVA_LONG, SREGS_CR0 + ctl.ordinal() * 8L, value);
        return this;
    }

    private KvmSregs setTable(final int offset, final long base, final int limit) {
        segment.set(ValueLayout.JAVA_LONG, offset, base);
        segment.set(ValueLayout.JAVA_SHORT, offset + 8, (short) limit);
        return this;
    }
}
