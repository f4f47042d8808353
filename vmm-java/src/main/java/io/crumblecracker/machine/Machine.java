package io.crumblecracker.machine;

import io.crumblecracker.api.HypervisorUnavailableException;
import io.crumblecracker.api.VmException;
import io.crumblecracker.api.VmTimeoutException;
import io.crumblecracker.bus.IoBus;
import io.crumblecracker.bus.MmioDevice;
import io.crumblecracker.bus.PioDevice;
import io.crumblecracker.console.ConsolePump;
import io.crumblecracker.console.ConsoleRing;
import io.crumblecracker.kvm.Kvm;
import io.crumblecracker.kvm.KvmVcpu;
import io.crumblecracker.kvm.KvmVm;
import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.vcpu.VcpuLoop;
import io.crumblecracker.vcpu.VcpuStop;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running Linux guest on the KVM engine: its VM and vCPU threads, guest RAM, legacy devices and
 * console. {@link MachineBuilder} assembles it in boot order; this class owns its lifetime.
 *
 * <p>The machine ends when any vCPU stops (a guest reboot, power-off or failure), or when
 * {@link #stop()} or {@link #close()} is called: the other vCPUs are then stopped too.
 *
 * <p>Threading: one platform thread per vCPU, one console thread; every public method may be called
 * from any thread.
 */
public final class Machine implements AutoCloseable {

    private final Arena arena;
    private final Kvm kvm;
    private final KvmVm vm;
    private final GuestMemory memory;
    private final IoBus<PioDevice> pio;
    private final IoBus<MmioDevice> mmio;
    private final ConsolePump console;
    private final BootWatcher watcher;
    private final List<EventFd> eventFds;
    private final List<KvmVcpu> vcpus;
    private final List<QueueWorker> workers;
    private final List<VcpuLoop> loops = new ArrayList<>();
    private final AtomicReference<VcpuStop> firstStop = new AtomicReference<>();
    private final List<String> stops = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();
    private CountDownLatch running;
    private volatile boolean closed;

    Machine(final Parts parts) {
        this.arena = parts.arena();
        this.kvm = parts.kvm();
        this.vm = parts.vm();
        this.memory = parts.memory();
        this.pio = parts.pio();
        this.mmio = parts.mmio();
        this.console = parts.console();
        this.watcher = parts.watcher();
        this.eventFds = parts.eventFds();
        this.vcpus = parts.vcpus();
        this.workers = parts.workers();
    }

    /** The pieces {@link MachineBuilder} hands over. */
    record Parts(Arena arena, Kvm kvm, KvmVm vm, GuestMemory memory, IoBus<PioDevice> pio, IoBus<MmioDevice> mmio,
                 ConsolePump console, BootWatcher watcher, List<EventFd> eventFds, List<KvmVcpu> vcpus,
                 List<QueueWorker> workers) {
    }

    /**
     * Builds and boots a machine.
     *
     * @throws HypervisorUnavailableException if {@code /dev/kvm} cannot be used
     * @throws VmException if the kernel, initramfs or configuration cannot be loaded
     */
    public static Machine boot(final MachineConfig config) throws VmException {
        final Machine machine = new MachineBuilder(config).build();
        machine.start();
        return machine;
    }

    /** Guest RAM, for inspection and tests. */
    public GuestMemory memory() {
        return memory;
    }

    /** Boot milestones seen on the console. */
    public BootWatcher bootWatcher() {
        return watcher;
    }

    /** Completes when the machine has ended, with how it ended. */
    public CompletableFuture<MachineExit> onExit() {
        return exit;
    }

    /** Waits for the machine to end. */
    public MachineExit awaitExit(final Duration timeout) throws VmTimeoutException, InterruptedException {
        try {
            return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            throw new VmTimeoutException("the guest was still running after " + timeout.toSeconds() + " s");
        } catch (final ExecutionException e) {
            throw new IllegalStateException("machine exit failed", e.getCause());
        }
    }

    /** Stops every vCPU; the machine then ends with {@link VcpuStop.Kind#REQUESTED}. */
    public void stop() {
        end(new VcpuStop(VcpuStop.Kind.REQUESTED, "stopped by the VMM"));
    }

    /** The guest asked for a reset: the machine ends with {@link VcpuStop.Kind#SHUTDOWN}. */
    void guestReset(final String detail) {
        end(new VcpuStop(VcpuStop.Kind.SHUTDOWN, detail));
    }

    /** Records {@code reason} unless an earlier one was recorded, and stops every vCPU. */
    private void end(final VcpuStop reason) {
        firstStop.compareAndSet(null, reason);
        synchronized (loops) {
            loops.forEach(VcpuLoop::requestStop);
        }
    }

    /** Stops the guest if it runs, waits for the vCPU threads, and frees the VM, its RAM and descriptors. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        awaitThreads();
        workers.forEach(QueueWorker::close);
        console.close();
        vcpus.forEach(KvmVcpu::close);
        eventFds.forEach(EventFd::close);
        vm.close();
        kvm.close();
        arena.close();
    }

    void start() {
        console.start();
        workers.forEach(QueueWorker::start);
        running = new CountDownLatch(vcpus.size());
        for (final KvmVcpu vcpu : vcpus) {
            final VcpuLoop loop = new VcpuLoop(vcpu, pio, mmio, this::onVcpuStop);
            synchronized (loops) {
                loops.add(loop);
            }
            Thread.ofPlatform().daemon().name("crumble-vcpu-" + vcpu.id()).start(loop);
        }
    }

    private void onVcpuStop(final KvmVcpu vcpu, final VcpuStop stop) {
        stops.add(stop.detail());
        end(stop);
        running.countDown();
        if (running.getCount() == 0) {
            finish();
        }
    }

    private void finish() {
        // Drain what the guest printed last before the exit is reported (not on a vCPU thread).
        Thread.ofPlatform().daemon().name("crumble-exit").start(() -> {
            console.close();
            final VcpuStop stop = firstStop.get();
            final String detail = stop.kind() == VcpuStop.Kind.SHUTDOWN ? stop.detail()
                    : stop.detail() + "; all vCPUs: " + String.join("; ", stops);
            exit.complete(new MachineExit(stop.kind(), detail,
                    watcher.hasReachedInit(), watcher.panic()));
        });
    }

    private void awaitThreads() {
        if (running == null) {
            return;
        }
        try {
            if (!running.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("vCPU threads did not stop within 10 s");
            }
            exit.get(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("machine did not finish", e);
        }
    }
}
