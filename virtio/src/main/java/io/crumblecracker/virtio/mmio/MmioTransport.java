package io.crumblecracker.virtio.mmio;

import static io.crumblecracker.virtio.mmio.MmioRegisters.CONFIG;

import io.crumblecracker.bus.InterruptLine;
import io.crumblecracker.bus.MmioDevice;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.DeviceStatus;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.queue.QueueConfig;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.util.List;
import java.util.Objects;

/**
 * The virtio-mmio transport, version 2 (virtio 1.2 §4.2): the register file a driver uses to discover,
 * negotiate with and configure one {@link VirtioDevice}.
 *
 * <p>It owns the status state machine: writes that are illegal in the current status are ignored (feature
 * writes only between DRIVER and FEATURES_OK, queue registers only between FEATURES_OK and DRIVER_OK and
 * while the queue is not ready); FEATURES_OK is refused when the driver accepted a feature the device did
 * not offer or left out VERSION_1; DRIVER_OK validates and activates the ready queues, then the device, and
 * a queue that fails validation sets DEVICE_NEEDS_RESET instead; writing 0 to Status resets everything.
 * Notifications raise InterruptStatus bits and the injected {@link InterruptLine}; QueueNotify writes go
 * to the injected {@link QueueNotifier}.
 *
 * <p>Never throws on guest-chosen values: unknown offsets and accesses that are not aligned 32-bit (outside
 * the configuration space) read 0 and are ignored on write.
 *
 * <p>Thread safety: {@link #read} and {@link #write} may come from several vCPU threads; register state is
 * guarded by this object's lock, which is never held while the notifier runs. Device threads touch only the
 * lock-free interrupt state.
 */
public final class MmioTransport implements MmioDevice {

    private static final long U32_MASK = 0xFFFF_FFFFL;

    private final VirtioDevice device;
    private final GuestMemory memory;
    private final QueueNotifier notifier;
    private final MmioInterrupt interrupt;
    private final List<SplitQueue> queues;
    private volatile int status;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private long negotiated;
    private int queueSel;

    /**
     * Creates the transport for {@code device}.
     *
     * @param device    the device behind the registers
     * @param memory    guest memory, handed to the queues and the device at DRIVER_OK
     * @param line      the device's interrupt line
     * @param notifier  where QueueNotify writes go
     */
    public MmioTransport(final VirtioDevice device, final GuestMemory memory, final InterruptLine line,
            final QueueNotifier notifier) {
        this.device = Objects.requireNonNull(device, "device");
        this.memory = Objects.requireNonNull(memory, "memory");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.interrupt = new MmioInterrupt(Objects.requireNonNull(line, "line"));
        final SplitQueue[] created = new SplitQueue[device.queueCount()];
        for (int i = 0; i < created.length; i++) {
            created[i] = new SplitQueue(device.queueMaxSize(i));
        }
        this.queues = List.of(created);
    }

    /** Creates the transport with a {@link QueueNotifier#direct} notifier. */
    public MmioTransport(final VirtioDevice device, final GuestMemory memory, final InterruptLine line) {
        this(device, memory, line, QueueNotifier.direct(device));
    }

    /** The device behind the registers. */
    public VirtioDevice device() {
        return device;
    }

    /** The device status as the driver reads it (DEVICE_NEEDS_RESET included). */
    public int status() {
        return status | (interrupt.needsReset() ? DeviceStatus.DEVICE_NEEDS_RESET : 0);
    }

    @Override
    public long read(final long offset, final int size) {
        if (offset >= CONFIG) {
            return offset - CONFIG > Integer.MAX_VALUE ? 0 : device.readConfig((int) (offset - CONFIG), size);
        }
        if (size != 4 || (offset & 3) != 0 || offset < 0) {
            return 0;
        }
        return readRegister((int) offset) & U32_MASK;
    }

    @Override
    public void write(final long offset, final int size, final long value) {
        if (offset >= CONFIG) {
            if (offset - CONFIG <= Integer.MAX_VALUE) {
                device.writeConfig((int) (offset - CONFIG), size, value);
            }
            return;
        }
        if (size != 4 || (offset & 3) != 0 || offset < 0) {
            return;
        }
        if (offset == MmioRegisters.QUEUE_NOTIFY) {
            notifyQueue((int) value);
            return;
        }
        synchronized (this) {
            writeRegister((int) offset, (int) value);
        }
    }

    private synchronized int readRegister(final int offset) {
        return switch (offset) {
            case MmioRegisters.MAGIC_VALUE -> MmioRegisters.MAGIC;
            case MmioRegisters.VERSION_REG -> MmioRegisters.VERSION;
            case MmioRegisters.DEVICE_ID -> device.type().id();
            case MmioRegisters.VENDOR_ID_REG -> MmioRegisters.VENDOR_ID;
            case MmioRegisters.DEVICE_FEATURES -> featureWord(device.deviceFeatures(), deviceFeaturesSel);
            case MmioRegisters.QUEUE_NUM_MAX -> selectedQueue() == null ? 0 : selectedQueue().maxSize();
            case MmioRegisters.QUEUE_READY -> selectedQueue() != null && selectedQueue().isReady() ? 1 : 0;
            case MmioRegisters.INTERRUPT_STATUS -> interrupt.status();
            case MmioRegisters.STATUS -> status();
            case MmioRegisters.CONFIG_GENERATION -> interrupt.generation();
            case MmioRegisters.SHM_LEN_LOW, MmioRegisters.SHM_LEN_HIGH -> -1;
            default -> 0;
        };
    }

    private void writeRegister(final int offset, final int value) {
        switch (offset) {
            case MmioRegisters.DEVICE_FEATURES_SEL -> deviceFeaturesSel = value;
            case MmioRegisters.DRIVER_FEATURES -> writeDriverFeatures(value);
            case MmioRegisters.DRIVER_FEATURES_SEL -> driverFeaturesSel = value;
            case MmioRegisters.QUEUE_SEL -> queueSel = value;
            case MmioRegisters.INTERRUPT_ACK -> interrupt.acknowledge(value);
            case MmioRegisters.STATUS -> writeStatus(value);
            default -> writeQueueRegister(offset, value);
        }
    }

    private void writeDriverFeatures(final int value) {
        final int current = status;
        if (!DeviceStatus.has(current, DeviceStatus.DRIVER) || DeviceStatus.has(current, DeviceStatus.FEATURES_OK)
                || driverFeaturesSel < 0 || driverFeaturesSel > 1) {
            return;
        }
        final int shift = 32 * driverFeaturesSel;
        driverFeatures = (driverFeatures & ~(U32_MASK << shift)) | ((value & U32_MASK) << shift);
    }

    private void writeQueueRegister(final int offset, final int value) {
        final SplitQueue queue = selectedQueue();
        final int current = status;
        if (queue == null || !DeviceStatus.has(current, DeviceStatus.FEATURES_OK)
                || (current & (DeviceStatus.DRIVER_OK | DeviceStatus.FAILED)) != 0) {
            return;
        }
        final QueueConfig config = queue.config();
        if (offset == MmioRegisters.QUEUE_READY) {
            if (value == 0 || value == 1) {
                config.setReady(value == 1);
            }
            return;
        }
        if (config.isReady()) {
            return;
        }
        switch (offset) {
            case MmioRegisters.QUEUE_NUM -> config.setSize(value);
            case MmioRegisters.QUEUE_DESC_LOW -> config.setDescriptorTable(low(config.descriptorTable(), value));
            case MmioRegisters.QUEUE_DESC_HIGH -> config.setDescriptorTable(high(config.descriptorTable(), value));
            case MmioRegisters.QUEUE_DRIVER_LOW -> config.setAvailRing(low(config.availRing(), value));
            case MmioRegisters.QUEUE_DRIVER_HIGH -> config.setAvailRing(high(config.availRing(), value));
            case MmioRegisters.QUEUE_DEVICE_LOW -> config.setUsedRing(low(config.usedRing(), value));
            case MmioRegisters.QUEUE_DEVICE_HIGH -> config.setUsedRing(high(config.usedRing(), value));
            default -> { }
        }
    }

    private void writeStatus(final int value) {
        if (value == 0) {
            reset();
            return;
        }
        final int current = status;
        final int written = value & ~DeviceStatus.DEVICE_NEEDS_RESET;
        final int next = StatusTransitions.next(current, written, featuresAcceptable());
        if (next == current) {
            return;
        }
        status = next;
        if ((next & ~current & DeviceStatus.FEATURES_OK) != 0) {
            negotiated = driverFeatures;
        }
        if ((next & ~current & DeviceStatus.DRIVER_OK) != 0) {
            activate();
        }
    }

    private boolean featuresAcceptable() {
        return (driverFeatures & ~device.deviceFeatures()) == 0
                && FeatureBits.has(driverFeatures, FeatureBits.VERSION_1);
    }

    private void activate() {
        final boolean indirect = FeatureBits.has(negotiated, FeatureBits.RING_INDIRECT_DESC);
        final boolean eventIdx = FeatureBits.has(negotiated, FeatureBits.RING_EVENT_IDX);
        for (final SplitQueue queue : queues) {
            if (queue.isReady()) {
                try {
                    queue.activate(memory, indirect, eventIdx);
                } catch (final RingViolation violation) {
                    interrupt.signalNeedsReset();
                    return;
                }
            }
        }
        device.activate(negotiated, memory, queues, interrupt);
    }

    private void reset() {
        device.reset();
        for (final SplitQueue queue : queues) {
            queue.reset();
        }
        interrupt.reset();
        status = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        negotiated = 0;
        queueSel = 0;
    }

    private void notifyQueue(final int index) {
        final int current = status();
        if (index >= 0 && index < queues.size() && DeviceStatus.has(current, DeviceStatus.DRIVER_OK)
                && (current & (DeviceStatus.DEVICE_NEEDS_RESET | DeviceStatus.FAILED)) == 0) {
            notifier.notifyQueue(index);
        }
    }

    private SplitQueue selectedQueue() {
        return queueSel >= 0 && queueSel < queues.size() ? queues.get(queueSel) : null;
    }

    private static int featureWord(final long features, final int select) {
        return switch (select) {
            case 0 -> (int) features;
            case 1 -> (int) (features >>> 32);
            default -> 0;
        };
    }

    private static long low(final long address, final int value) {
        return (address & ~U32_MASK) | (value & U32_MASK);
    }

    private static long high(final long address, final int value) {
        return (address & U32_MASK) | ((long) value << 32);
    }
}
