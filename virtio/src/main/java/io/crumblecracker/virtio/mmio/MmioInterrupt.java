package io.crumblecracker.virtio.mmio;

import io.crumblecracker.bus.InterruptLine;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The virtio-mmio side of device notifications (virtio 1.2 §4.2.3.4): sets InterruptStatus bits, then
 * raises the device's one interrupt line. Also holds the two pieces of state that device threads change
 * without the transport's lock: DEVICE_NEEDS_RESET and the configuration generation.
 *
 * <p>Thread safety: lock-free; any thread.
 */
final class MmioInterrupt implements VirtioInterrupt {

    private final InterruptLine line;
    private final AtomicInteger status = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile boolean needsReset;

    MmioInterrupt(final InterruptLine line) {
        this.line = line;
    }

    @Override
    public void signalUsedBuffers(final int queueIndex) {
        raise(MmioRegisters.INT_USED_BUFFER);
    }

    @Override
    public void signalConfigChange() {
        generation.incrementAndGet();
        raise(MmioRegisters.INT_CONFIG_CHANGE);
    }

    @Override
    public void signalNeedsReset() {
        needsReset = true;
        raise(MmioRegisters.INT_CONFIG_CHANGE);
    }

    int status() {
        return status.get();
    }

    int generation() {
        return generation.get();
    }

    boolean needsReset() {
        return needsReset;
    }

    void acknowledge(final int bits) {
        status.getAndAccumulate(bits, (current, acked) -> current & ~acked);
    }

    void reset() {
        needsReset = false;
        status.set(0);
    }

    private void raise(final int bit) {
        status.getAndAccumulate(bit, (current, added) -> current | added);
        line.trigger();
    }
}
