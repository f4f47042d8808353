package io.crumblecracker.bench.virtio;

import io.crumblecracker.virtio.device.VirtioInterrupt;

/**
 * A {@link VirtioInterrupt} that only counts, so signalling costs the device nothing it would not pay
 * anyway (the test fixture {@code RecordingInterruptLine} appends to a list, which allocates).
 * Thread safety: confined to the benchmark thread.
 */
final class CountingInterrupt implements VirtioInterrupt {

    private long usedBuffers;
    private boolean needsReset;

    @Override
    public void signalUsedBuffers(final int queueIndex) {
        usedBuffers++;
    }

    @Override
    public void signalConfigChange() {
        // Not expected; nothing to count.
    }

    @Override
    public void signalNeedsReset() {
        needsReset = true;
    }

    /** Used-buffer notifications so far. */
    long usedBuffers() {
        return usedBuffers;
    }

    /** Fails if the device asked for a reset: the benchmark drove it wrongly. */
    void checkHealthy(final String what) {
        if (needsReset) {
            throw new IllegalStateException(what + ": device signalled DEVICE_NEEDS_RESET");
        }
    }
}
