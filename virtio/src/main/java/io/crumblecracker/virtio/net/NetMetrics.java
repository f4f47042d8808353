package io.crumblecracker.virtio.net;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one network device, for observation. Written under the device's lock, readable from any
 * thread.
 */
public final class NetMetrics {

    private final AtomicLong txFrames = new AtomicLong();
    private final AtomicLong txBytes = new AtomicLong();
    private final AtomicLong rxFrames = new AtomicLong();
    private final AtomicLong rxBytes = new AtomicLong();
    private final AtomicLong rxRefused = new AtomicLong();
    private final AtomicLong rxDropped = new AtomicLong();
    private final AtomicLong guestErrors = new AtomicLong();

    /** Frames the guest sent, passed to the backend. */
    public long txFrames() {
        return txFrames.get();
    }

    /** Bytes of those frames, headers excluded. */
    public long txBytes() {
        return txBytes.get();
    }

    /** Frames delivered into the guest's receive buffers. */
    public long rxFrames() {
        return rxFrames.get();
    }

    /** Bytes of those frames, headers excluded. */
    public long rxBytes() {
        return rxBytes.get();
    }

    /** Frames {@link NetDevice#receive} refused: too short, too long for the MTU, or the backlog was full. */
    public long rxRefused() {
        return rxRefused.get();
    }

    /** Backlogged frames dropped because the guest's receive buffer was too small for them. */
    public long rxDropped() {
        return rxDropped.get();
    }

    /** Malformed or refused transmit chains, receive chains with readable buffers, and queue violations. */
    public long guestErrors() {
        return guestErrors.get();
    }

    void onTx(final int bytes) {
        txFrames.incrementAndGet();
        txBytes.addAndGet(bytes);
    }

    void onRx(final int bytes) {
        rxFrames.incrementAndGet();
        rxBytes.addAndGet(bytes);
    }

    void onRxRefused() {
        rxRefused.incrementAndGet();
    }

    void onRxDropped() {
        rxDropped.incrementAndGet();
    }

    void onGuestError() {
        guestErrors.incrementAndGet();
    }
}
