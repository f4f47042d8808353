package io.crumblecracker.virtio.console;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one console device, for observation. Written under the device's lock, readable from any
 * thread.
 */
public final class ConsoleMetrics {

    private final AtomicLong outputBytes = new AtomicLong();
    private final AtomicLong inputBytes = new AtomicLong();
    private final AtomicLong inputRefused = new AtomicLong();
    private final AtomicLong guestErrors = new AtomicLong();

    /** Bytes the guest wrote, handed to the output port. */
    public long outputBytes() {
        return outputBytes.get();
    }

    /** Input bytes delivered into the guest's receive buffers. */
    public long inputBytes() {
        return inputBytes.get();
    }

    /** Input bytes refused because the input buffer was full. */
    public long inputRefused() {
        return inputRefused.get();
    }

    /** Malformed chains, output beyond the per-chain cap, and queue violations. */
    public long guestErrors() {
        return guestErrors.get();
    }

    void onOutput(final long bytes) {
        outputBytes.addAndGet(bytes);
    }

    void onInput(final long bytes) {
        inputBytes.addAndGet(bytes);
    }

    void onInputRefused(final long bytes) {
        inputRefused.addAndGet(bytes);
    }

    void onGuestError() {
        guestErrors.incrementAndGet();
    }
}
