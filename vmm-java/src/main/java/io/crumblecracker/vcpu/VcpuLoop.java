package io.crumblecracker.vcpu;

import io.crumblecracker.bus.IoBus;
import io.crumblecracker.bus.MmioDevice;
import io.crumblecracker.bus.PioDevice;
import io.crumblecracker.kvm.ExitReason;
import io.crumblecracker.kvm.KvmRegs;
import io.crumblecracker.kvm.KvmRun;
import io.crumblecracker.kvm.KvmSregs;
import io.crumblecracker.kvm.KvmVcpu;
import io.crumblecracker.kvm.sys.KickSignal;
import io.crumblecracker.kvm.sys.KvmLayouts;
import io.crumblecracker.kvm.sys.Libc;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The run loop of one vCPU: {@code KVM_RUN}, then handle the exit inline on this thread, again.
 *
 * <p>Port I/O and MMIO exits are synchronous (the guest waits for the answer), so they are dispatched
 * right here to the device that owns the address; a hop through another thread would add two wake-ups
 * per exit. Accesses no device claims read as all ones (ports) or zero (MMIO) and writes vanish, as on
 * an empty bus. Nothing on this path allocates.
 *
 * <p>Threading: {@link #run()} runs on one dedicated platform thread (a blocking {@code KVM_RUN} would
 * pin a virtual thread's carrier, and the kick needs a stable kernel thread id). {@link #requestStop()}
 * may be called from any thread.
 */
public final class VcpuLoop implements Runnable {

    private static final int SYSTEM_EVENT_SHUTDOWN = 1;
    private static final int SYSTEM_EVENT_RESET = 2;

    private final KvmVcpu vcpu;
    private final KvmRun run;
    private final IoBus<PioDevice> pio;
    private final IoBus<MmioDevice> mmio;
    private final BiConsumer<KvmVcpu, VcpuStop> onStop;
    private volatile boolean stopRequested;
    private volatile int tid;

    /**
     * @param onStop called once, on the vCPU thread, when the loop ends
     */
    public VcpuLoop(final KvmVcpu vcpu, final IoBus<PioDevice> pio, final IoBus<MmioDevice> mmio,
                    final BiConsumer<KvmVcpu, VcpuStop> onStop) {
        this.vcpu = Objects.requireNonNull(vcpu, "vcpu");
        this.run = vcpu.kvmRun();
        this.pio = Objects.requireNonNull(pio, "pio");
        this.mmio = Objects.requireNonNull(mmio, "mmio");
        this.onStop = Objects.requireNonNull(onStop, "onStop");
    }

    @Override
    public void run() {
        KickSignal.install();
        tid = Libc.gettid();
        VcpuStop stop;
        try {
            stop = loop();
        } catch (final RuntimeException e) {
            // A device or KVM failure stops this VM only, never the host JVM.
            stop = new VcpuStop(VcpuStop.Kind.FAILED, "vCPU " + vcpu.id() + ": " + e);
        }
        tid = 0;
        onStop.accept(vcpu, stop);
    }

    /** Stops the loop: sets {@code immediate_exit} and signals the thread out of {@code KVM_RUN}. */
    public void requestStop() {
        stopRequested = true;
        run.requestImmediateExit(true);
        final int thread = tid;
        if (thread != 0) {
            KickSignal.send(thread);
        }
    }

    private VcpuStop loop() {
        while (!stopRequested) {
            final int reason = vcpu.run();
            switch (reason) {
                case ExitReason.IO -> handlePio();
                case ExitReason.MMIO -> handleMmio();
                case ExitReason.INTERRUPTED, ExitReason.INTR, ExitReason.IRQ_WINDOW_OPEN -> { }
                case ExitReason.HLT -> {
                    return new VcpuStop(VcpuStop.Kind.HALTED, "vCPU " + vcpu.id() + " halted");
                }
                case ExitReason.SHUTDOWN -> {
                    return new VcpuStop(VcpuStop.Kind.SHUTDOWN, "vCPU " + vcpu.id() + ": guest reset (triple fault)");
                }
                case ExitReason.SYSTEM_EVENT -> {
                    return systemEvent();
                }
                default -> {
                    return failure(reason);
                }
            }
        }
        return new VcpuStop(VcpuStop.Kind.REQUESTED, "vCPU " + vcpu.id() + " stopped by the VMM at " + where());
    }

    private void handlePio() {
        final int port = run.ioPort();
        final int size = run.ioSize();
        final int count = run.ioCount();
        final IoBus.Entry<PioDevice> entry = pio.find(port);
        final boolean out = run.ioIsOut();
        for (int i = 0; i < count; i++) {
            if (entry == null) {
                if (!out) {
                    run.setIoData(i, -1);
                }
            } else if (out) {
                entry.device().write((int) (port - entry.range().base()), size, run.ioData(i));
            } else {
                run.setIoData(i, entry.device().read((int) (port - entry.range().base()), size));
            }
        }
    }

    private void handleMmio() {
        final long address = run.mmioAddress();
        final int length = run.mmioLength();
        final IoBus.Entry<MmioDevice> entry = mmio.find(address);
        if (run.mmioIsWrite()) {
            if (entry != null) {
                entry.device().write(address - entry.range().base(), length, run.mmioData());
            }
        } else {
            run.setMmioData(entry == null ? 0 : entry.device().read(address - entry.range().base(), length));
        }
    }

    /** The guest instruction pointer, for diagnosing where a stopped or failed guest was. */
    private String where() {
        try (Arena arena = Arena.ofConfined()) {
            final KvmRegs regs = vcpu.getRegs(new KvmRegs(arena));
            final KvmSregs sregs = vcpu.getSregs(new KvmSregs(arena));
            return "rip=0x" + Long.toHexString(regs.get(KvmRegs.Reg.RIP))
                    + " cs=0x" + Integer.toHexString(sregs.segmentSelector(KvmSregs.Seg.CS))
                    + " cr0=0x" + Long.toHexString(sregs.get(KvmSregs.Ctl.CR0));
        } catch (final RuntimeException e) {
            return "(registers unavailable: " + e.getMessage() + ")";
        }
    }

    private VcpuStop systemEvent() {
        final int type = run.u32(KvmLayouts.RUN_SYSTEM_EVENT_TYPE);
        if (type == SYSTEM_EVENT_SHUTDOWN) {
            return new VcpuStop(VcpuStop.Kind.POWER_OFF, "vCPU " + vcpu.id() + ": guest powered off");
        }
        if (type == SYSTEM_EVENT_RESET) {
            return new VcpuStop(VcpuStop.Kind.SHUTDOWN, "vCPU " + vcpu.id() + ": guest requested a reset");
        }
        return new VcpuStop(VcpuStop.Kind.FAILED, "vCPU " + vcpu.id() + ": system event type=" + type);
    }

    private VcpuStop failure(final int reason) {
        final String detail = switch (reason) {
            case ExitReason.INTERNAL_ERROR -> " suberror=" + run.u32(KvmLayouts.RUN_INTERNAL_SUBERROR);
            case ExitReason.FAIL_ENTRY -> " hardware_entry_failure_reason=0x"
                    + Long.toHexString(run.u64(KvmLayouts.RUN_FAIL_ENTRY_REASON));
            default -> "";
        };
        return new VcpuStop(VcpuStop.Kind.FAILED, "vCPU " + vcpu.id() + ": " + ExitReason.name(reason) + detail
                + " at " + where());
    }
}
