package io.crumblecracker.machine;

import io.crumblecracker.arch.x86.X86Layout;
import io.crumblecracker.bus.BusRange;
import io.crumblecracker.bus.IoBus;
import io.crumblecracker.bus.MmioDevice;
import io.crumblecracker.kvm.KvmVm;
import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.mmio.MmioCmdline;
import io.crumblecracker.virtio.mmio.MmioRegisters;
import io.crumblecracker.virtio.mmio.MmioTransport;
import java.util.ArrayList;
import java.util.List;

/**
 * Attaches virtio devices to the KVM machine over virtio-mmio: slot {@code i} is the 4 KiB window at
 * {@link X86Layout#virtioMmioAddress(int)} with IOAPIC pin {@link X86Layout#virtioMmioIrq(int)}.
 *
 * <p>Per device: its interrupt is an irqfd (raised from any thread with no exit); each queue's
 * {@code QueueNotify} write is an ioeventfd matched on the queue index (no exit either), drained by the
 * device's {@link QueueWorker}; every other register access exits to the {@link MmioTransport} on the
 * vCPU thread. The guest learns of the devices from the command line
 * ({@code virtio_mmio.device=4K@0xd0000000:5}), so no ACPI or device tree is needed.
 *
 * @see <a href="https://docs.oasis-open.org/virtio/virtio/v1.2/virtio-v1.2.html#x1-1650002">virtio 1.2
 *      §4.2 Virtio Over MMIO</a>
 */
final class VirtioSlots {

    private final List<String> cmdline = new ArrayList<>();
    private final List<QueueWorker> workers = new ArrayList<>();

    /** Wires every device in {@code devices}; {@code eventFds} collects the descriptors to close. */
    VirtioSlots(final List<VirtioDevice> devices, final KvmVm vm, final GuestMemory memory,
                final IoBus<MmioDevice> mmio, final List<EventFd> eventFds) {
        for (int slot = 0; slot < devices.size(); slot++) {
            attach(slot, devices.get(slot), vm, memory, mmio, eventFds);
        }
    }

    /** The {@code virtio_mmio.device=} parameters announcing the devices. */
    List<String> cmdline() {
        return cmdline;
    }

    /** The queue workers, one per device, not yet started. */
    List<QueueWorker> workers() {
        return workers;
    }

    private void attach(final int slot, final VirtioDevice device, final KvmVm vm, final GuestMemory memory,
                        final IoBus<MmioDevice> mmio, final List<EventFd> eventFds) {
        final long base = X86Layout.virtioMmioAddress(slot);
        final int irq = X86Layout.virtioMmioIrq(slot);
        final EventFd interrupt = new EventFd();
        eventFds.add(interrupt);
        vm.registerIrqfd(interrupt, irq);
        final List<EventFd> queueEvents = new ArrayList<>();
        for (int queue = 0; queue < device.queueCount(); queue++) {
            final EventFd notify = new EventFd();
            eventFds.add(notify);
            vm.registerIoeventfd(notify, base + MmioRegisters.QUEUE_NOTIFY, 4, false, (long) queue);
            queueEvents.add(notify);
        }
        // Notifications that do not match an ioeventfd (none, normally) still reach the device.
        final MmioTransport transport = new MmioTransport(device, memory, interrupt::signal,
                device::processQueue);
        mmio.register(new BusRange(base, MmioRegisters.WINDOW_SIZE), transport);
        cmdline.add(MmioCmdline.deviceParameter(MmioRegisters.WINDOW_SIZE, base, irq));
        workers.add(new QueueWorker("crumble-virtio-" + slot + "-" + device.type(), device, queueEvents));
    }
}
