package io.crumblecracker.machine;

import io.crumblecracker.api.HypervisorUnavailableException;
import io.crumblecracker.api.VmException;
import io.crumblecracker.arch.x86.LongModeBootState;
import io.crumblecracker.arch.x86.MpTable;
import io.crumblecracker.arch.x86.X86Layout;
import io.crumblecracker.bus.BusRange;
import io.crumblecracker.bus.IoBus;
import io.crumblecracker.bus.MmioDevice;
import io.crumblecracker.bus.PioDevice;
import io.crumblecracker.console.ConsolePump;
import io.crumblecracker.console.ConsoleRing;
import io.crumblecracker.kvm.Kvm;
import io.crumblecracker.kvm.KvmCpuid;
import io.crumblecracker.kvm.KvmVcpu;
import io.crumblecracker.kvm.KvmVm;
import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.kvm.sys.NativeException;
import io.crumblecracker.legacy.I8042;
import io.crumblecracker.legacy.Serial8250;
import io.crumblecracker.loader.BootInfo;
import io.crumblecracker.memory.GuestMemory;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * The composition root of the KVM engine: assembles a {@link Machine} in boot order.
 *
 * <ol>
 *   <li>host check, {@code /dev/kvm}, the VM, in-kernel irqchip and PIT;</li>
 *   <li>guest RAM and its memory slots;</li>
 *   <li>legacy devices: the COM1 UART (IRQ 4 through an irqfd) and the i8042 reset line;</li>
 *   <li>the kernel, initramfs, command line and zero page ({@link KernelPlacement});</li>
 *   <li>the MP table describing CPUs and the IOAPIC;</li>
 *   <li>the vCPUs, each configured by {@link VcpuConfigurator}.</li>
 * </ol>
 * Anything that fails part-way releases what was already built.
 */
final class MachineBuilder {

    private static final int COM1_PORT = 0x3F8;
    private static final int COM1_IRQ = 4;
    private static final int I8042_PORT = 0x60;

    private final MachineConfig config;
    private final List<AutoCloseable> built = new ArrayList<>();

    MachineBuilder(final MachineConfig config) {
        this.config = config;
    }

    Machine build() throws VmException {
        final HostKvm host = HostKvm.probe().requireUsable();
        final Arena arena = Arena.ofShared();
        built.add(arena);
        try {
            return assemble(host, arena);
        } catch (final NativeException e) {
            releaseAll();
            throw new HypervisorUnavailableException("KVM refused to build the VM: " + e.getMessage(), e);
        } catch (final VmException | RuntimeException e) {
            releaseAll();
            throw e;
        }
    }

    private Machine assemble(final HostKvm host, final Arena arena) throws VmException {
        final Kvm kvm = track(Kvm.open());
        final KvmVm vm = track(kvm.createVm());
        createPlatform(vm);
        final GuestMemory memory = GuestRam.allocate(vm, config.memoryBytes(), X86Layout.MMIO_GAP_START,
                X86Layout.MMIO_GAP_END, arena);

        final IoBus<PioDevice> pio = new IoBus<>();
        final IoBus<MmioDevice> mmio = new IoBus<>();
        final ConsoleRing ring = new ConsoleRing();
        final ConsolePump console = new ConsolePump(ring, config.consoleOut());
        final BootWatcher watcher = new BootWatcher();
        console.addLineListener(watcher);
        final List<EventFd> eventFds = new ArrayList<>();
        final Serial8250 serial = addSerial(vm, pio, ring, eventFds);
        final ResetLine reset = new ResetLine();
        pio.register(new BusRange(I8042_PORT, 5), new I8042(reset));

        final VirtioSlots virtio = new VirtioSlots(config.devices(), vm, memory, mmio, eventFds);
        final BootInfo boot = KernelPlacement.load(memory, config, host, virtio.cmdline());
        MpTable.write(memory, config.vcpus());

        final LongModeBootState bootState = LongModeBootState.prepare(memory, boot.entryPoint().value(),
                boot.zeroPage().value());
        final List<KvmVcpu> vcpus = createVcpus(kvm, vm, arena, bootState, config.compatibility().applies(host));
        final Machine machine = new Machine(new Machine.Parts(arena, kvm, vm, memory, pio, mmio, console, watcher,
                eventFds, vcpus, virtio.workers()));
        reset.connect(machine);
        ConsoleInput.start(config.consoleIn(), serial);
        return machine;
    }

    private static void createPlatform(final KvmVm vm) {
        vm.setTssAddress(X86Layout.KVM_TSS_ADDRESS);
        vm.setIdentityMapAddress(X86Layout.KVM_IDENTITY_MAP_ADDRESS);
        vm.createIrqchip();
        vm.createPit2();
    }

    private Serial8250 addSerial(final KvmVm vm, final IoBus<PioDevice> pio, final ConsoleRing ring,
                                 final List<EventFd> eventFds) {
        final EventFd irq = new EventFd();
        eventFds.add(irq);
        vm.registerIrqfd(irq, COM1_IRQ);
        final Serial8250 serial = new Serial8250(irq::signal, ring::put);
        pio.register(new BusRange(COM1_PORT, 8), serial);
        return serial;
    }

    private List<KvmVcpu> createVcpus(final Kvm kvm, final KvmVm vm, final Arena arena,
                                      final LongModeBootState bootState, final boolean compatibility) {
        final KvmCpuid supported = kvm.supportedCpuid(arena);
        final List<KvmVcpu> vcpus = new ArrayList<>();
        for (int id = 0; id < config.vcpus(); id++) {
            final KvmVcpu vcpu = track(vm.createVcpu(id, arena));
            vcpus.add(vcpu);
            VcpuConfigurator.configure(vcpu, supported, config.vcpus(), compatibility, arena);
            if (id == 0) {
                VcpuConfigurator.setBootState(vcpu, bootState, arena);
            }
        }
        return vcpus;
    }

    private <T extends AutoCloseable> T track(final T resource) {
        built.add(resource);
        return resource;
    }

    private void releaseAll() {
        for (int i = built.size() - 1; i >= 0; i--) {
            try {
                built.get(i).close();
            } catch (final Exception e) {
                // Best effort: the build already failed with the error that matters.
            }
        }
        built.clear();
    }
}
