package io.crumblecracker.kvm;

import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_EXIT_REASON;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_IMMEDIATE_EXIT;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_IO_COUNT;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_IO_DATA_OFFSET;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_IO_DIRECTION;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_IO_PORT;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_IO_SIZE;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_MMIO_DATA;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_MMIO_IS_WRITE;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_MMIO_LEN;
import static io.crumblecracker.kvm.sys.KvmLayouts.RUN_MMIO_PHYS_ADDR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A flyweight over one vCPU's mmap'd {@code struct kvm_run}: the exit reason and the details of I/O and
 * MMIO exits, read and completed in place.
 *
 * <p>The kernel writes this page during {@code KVM_RUN}; the values are only meaningful on the vCPU
 * thread between a return from {@code KVM_RUN} and the next call. The one exception is
 * {@link #requestImmediateExit}, which any thread may set.
 */
public final class KvmRun {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final MemorySegment run;

    KvmRun(final MemorySegment run) {
        this.run = run;
    }

    /** {@code exit_reason}: one of {@link ExitReason}. */
    public int exitReason() {
        return run.get(U32, RUN_EXIT_REASON);
    }

    /** Sets {@code immediate_exit}, so the next (or a racing) {@code KVM_RUN} returns EINTR at once. */
    public void requestImmediateExit(final boolean exit) {
        run.set(ValueLayout.JAVA_BYTE, RUN_IMMEDIATE_EXIT, (byte) (exit ? 1 : 0));
    }

    /** True if {@code immediate_exit} is set. */
    public boolean immediateExitRequested() {
        return run.get(ValueLayout.JAVA_BYTE, RUN_IMMEDIATE_EXIT) != 0;
    }

    /** For an I/O exit: true for {@code out}, false for {@code in}. */
    public boolean ioIsOut() {
        return run.get(ValueLayout.JAVA_BYTE, RUN_IO_DIRECTION) == 1;
    }

    /** For an I/O exit: the access size, 1, 2 or 4. */
    public int ioSize() {
        return run.get(ValueLayout.JAVA_BYTE, RUN_IO_SIZE);
    }

    /** For an I/O exit: the port. */
    public int ioPort() {
        return Short.toUnsignedInt(run.get(U16, RUN_IO_PORT));
    }

    /** For an I/O exit: how many accesses (greater than 1 for {@code rep ins/outs}). */
    public int ioCount() {
        return run.get(U32, RUN_IO_COUNT);
    }

    /** For an I/O exit: the value of access {@code i}, zero-extended. */
    public int ioData(final int i) {
        final long at = ioDataAt(i);
        return switch (ioSize()) {
            case 1 -> Byte.toUnsignedInt(run.get(ValueLayout.JAVA_BYTE, at));
            case 2 -> Short.toUnsignedInt(run.get(U16, at));
            default -> run.get(U32, at);
        };
    }

    /** For an {@code in} exit: supplies the value of access {@code i}. */
    public void setIoData(final int i, final int value) {
        final long at = ioDataAt(i);
        switch (ioSize()) {
            case 1 -> run.set(ValueLayout.JAVA_BYTE, at, (byte) value);
            case 2 -> run.set(U16, at, (short) value);
            default -> run.set(U32, at, value);
        }
    }

    /** For an MMIO exit: the guest physical address. */
    public long mmioAddress() {
        return run.get(U64, RUN_MMIO_PHYS_ADDR);
    }

    /** For an MMIO exit: the access length, 1 to 8. */
    public int mmioLength() {
        return run.get(U32, RUN_MMIO_LEN);
    }

    /** For an MMIO exit: true for a write. */
    public boolean mmioIsWrite() {
        return run.get(ValueLayout.JAVA_BYTE, RUN_MMIO_IS_WRITE) != 0;
    }

    /** For an MMIO write: the value written, zero-extended from {@link #mmioLength} bytes. */
    public long mmioData() {
        final long raw = run.get(U64, RUN_MMIO_DATA);
        final int length = mmioLength();
        return length >= 8 ? raw : raw & ((1L << (length * 8)) - 1);
    }

    /** For an MMIO read: supplies the value (KVM takes the low {@link #mmioLength} bytes). */
    public void setMmioData(final long value) {
        run.set(U64, RUN_MMIO_DATA, value);
    }

    /** A 32-bit field of the exit union at {@code offset}, for exits without accessors here. */
    public int u32(final long offset) {
        return run.get(U32, offset);
    }

    /** A 64-bit field of the exit union at {@code offset}, for exits without accessors here. */
    public long u64(final long offset) {
        return run.get(U64, offset);
    }

    private long ioDataAt(final int i) {
        // The kernel chose data_offset; still check it stays inside the mapping.
        final long at = run.get(U64, RUN_IO_DATA_OFFSET) + (long) i * ioSize();
        if (at < 0 || at + 4 > run.byteSize()) {
            throw new IllegalStateException("kvm_run io data_offset=" + at + " is outside the kvm_run mapping of " + run.byteSize() + " bytes");
        }
        return at;
    }
}
