package io.crumblecracker.kvm;

import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_GET_LAPIC;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_GET_REGS;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_GET_SREGS;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_RUN;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_CPUID2;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_FPU;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_LAPIC;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_MSRS;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_REGS;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_SREGS;

import io.crumblecracker.kvm.sys.Errno;
import io.crumblecracker.kvm.sys.KvmLayouts;
import io.crumblecracker.kvm.sys.Libc;
import io.crumblecracker.kvm.sys.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A KVM vCPU file descriptor and its {@code kvm_run} page.
 *
 * <p>Thread safety: {@link #run()} and the register ioctls belong to the one thread that runs this vCPU
 * (KVM requires register access from the thread that runs it, or while it is not running).
 * {@link KvmRun#requestImmediateExit} may be set from any thread.
 */
public final class KvmVcpu implements AutoCloseable {

    private final int id;
    private final int fd;
    private final KvmRun run;
    private volatile boolean closed;

    KvmVcpu(final int id, final int fd, final KvmRun run) {
        this.id = id;
        this.fd = fd;
        this.run = run;
    }

    /** The vCPU id (its initial APIC id). */
    public int id() {
        return id;
    }

    /** The {@code kvm_run} flyweight. */
    public KvmRun kvmRun() {
        return run;
    }

    /**
     * {@code KVM_RUN}: runs the guest until an exit.
     *
     * @return the exit reason ({@link ExitReason}), or {@link ExitReason#INTERRUPTED} if a signal or
     *         {@code immediate_exit} stopped it (EINTR); never allocates
     * @throws NativeException for any other failure
     */
    public int run() {
        final int rc = Libc.ioctlRaw(fd, KVM_RUN, 0);
        if (rc == 0) {
            return run.exitReason();
        }
        if (rc == -Errno.EINTR || rc == -Errno.EAGAIN) {
            return ExitReason.INTERRUPTED;
        }
        throw new NativeException("KVM_RUN", -rc);
    }

    /** {@code KVM_GET_REGS} into {@code regs}. */
    public KvmRegs getRegs(final KvmRegs regs) {
        Libc.ioctl(fd, KVM_GET_REGS, regs.segment, "KVM_GET_REGS");
        return regs;
    }

    /** {@code KVM_SET_REGS}. */
    public void setRegs(final KvmRegs regs) {
        Libc.ioctl(fd, KVM_SET_REGS, regs.segment, "KVM_SET_REGS");
    }

    /** {@code KVM_GET_SREGS} into {@code sregs}. */
    public KvmSregs getSregs(final KvmSregs sregs) {
        Libc.ioctl(fd, KVM_GET_SREGS, sregs.segment, "KVM_GET_SREGS");
        return sregs;
    }

    /** {@code KVM_SET_SREGS}. */
    public void setSregs(final KvmSregs sregs) {
        Libc.ioctl(fd, KVM_SET_SREGS, sregs.segment, "KVM_SET_SREGS");
    }

    /** {@code KVM_SET_CPUID2} with the first {@link KvmCpuid#count()} entries of {@code cpuid}. */
    public void setCpuid(final KvmCpuid cpuid) {
        Libc.ioctl(fd, KVM_SET_CPUID2, cpuid.segment, "KVM_SET_CPUID2");
    }

    /**
     * {@code KVM_SET_MSRS}: sets MSR {@code indexes[i]} to {@code values[i]}.
     *
     * @throws NativeException if KVM set fewer MSRs than asked (it stops at the first it rejects)
     */
    public void setMsrs(final int[] indexes, final long[] values) {
        if (indexes.length != values.length) {
            throw new IllegalArgumentException("indexes=" + indexes.length + " values=" + values.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment msrs = arena.allocate(
                    KvmLayouts.MSRS_HEADER_SIZE + (long) indexes.length * KvmLayouts.MSR_ENTRY_SIZE, 8);
            msrs.set(ValueLayout.JAVA_INT, 0, indexes.length);
            for (int i = 0; i < indexes.length; i++) {
                final long at = KvmLayouts.MSRS_HEADER_SIZE + (long) i * KvmLayouts.MSR_ENTRY_SIZE;
                msrs.set(ValueLayout.JAVA_INT, at, indexes[i]);
                msrs.set(ValueLayout.JAVA_LONG, at + 8, values[i]);
            }
            final int set = Libc.ioctl(fd, KVM_SET_MSRS, msrs, "KVM_SET_MSRS");
            if (set != indexes.length) {
                throw new IllegalStateException("KVM_SET_MSRS set " + set + " of " + indexes.length
                        + " MSRs; rejected msr=0x" + Integer.toHexString(indexes[set]));
            }
        }
    }

    /** {@code KVM_SET_FPU} with the reset x87 control word and MXCSR, everything else zero. */
    public void setFpu(final int fcw, final int mxcsr) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment fpu = arena.allocate(KvmLayouts.FPU_SIZE, 8);
            fpu.set(ValueLayout.JAVA_SHORT, KvmLayouts.FPU_FCW, (short) fcw);
            fpu.set(ValueLayout.JAVA_INT, KvmLayouts.FPU_MXCSR, mxcsr);
            Libc.ioctl(fd, KVM_SET_FPU, fpu, "KVM_SET_FPU");
        }
    }

    /** {@code KVM_GET_LAPIC} into {@code state}, a 1024-byte segment. */
    public void getLapic(final MemorySegment state) {
        requireLapicSize(state);
        Libc.ioctl(fd, KVM_GET_LAPIC, state, "KVM_GET_LAPIC");
    }

    /** {@code KVM_SET_LAPIC} from {@code state}, a 1024-byte segment. */
    public void setLapic(final MemorySegment state) {
        requireLapicSize(state);
        Libc.ioctl(fd, KVM_SET_LAPIC, state, "KVM_SET_LAPIC");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }

    private static void requireLapicSize(final MemorySegment state) {
        if (state.byteSize() != KvmLayouts.LAPIC_STATE_SIZE) {
            throw new IllegalArgumentException("lapic state is " + state.byteSize() + " bytes, needs "
                    + KvmLayouts.LAPIC_STATE_SIZE);
        }
    }
}
