package io.crumblecracker.virtio.testing;

import io.crumblecracker.bus.InterruptLine;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import java.util.ArrayList;
import java.util.List;

/**
 * Records interrupts for tests: as an {@link InterruptLine} (what a transport raises) and as a
 * {@link VirtioInterrupt} (what a device signals, when a test activates a device without a transport).
 */
public final class RecordingInterruptLine implements InterruptLine, VirtioInterrupt {

    private final List<Integer> usedQueues = new ArrayList<>();
    private int triggers;
    private int configChanges;
    private boolean needsReset;

    @Override
    public synchronized void trigger() {
        triggers++;
    }

    @Override
    public synchronized void signalUsedBuffers(final int queueIndex) {
        usedQueues.add(queueIndex);
    }

    @Override
    public synchronized void signalConfigChange() {
        configChanges++;
    }

    @Override
    public synchronized void signalNeedsReset() {
        needsReset = true;
    }

    /** How often the line was raised. */
    public synchronized int triggers() {
        return triggers;
    }

    /** The queue index of every used-buffer notification, in order. */
    public synchronized List<Integer> usedQueues() {
        return List.copyOf(usedQueues);
    }

    /** How many configuration-change notifications were signalled. */
    public synchronized int configChanges() {
        return configChanges;
    }

    /** True once the device asked for a reset. */
    public synchronized boolean needsReset() {
        return needsReset;
    }

    /** Forgets everything recorded. */
    public synchronized void clear() {
        usedQueues.clear();
        triggers = 0;
        configChanges = 0;
        needsReset = false;
    }
}
