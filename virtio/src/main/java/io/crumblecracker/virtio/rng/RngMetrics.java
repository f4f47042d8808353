package io.crumblecracker.virtio.rng;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the entropy device, for observation. Written on the queue's processing thread, readable from
 * any thread.
 */
public final class RngMetrics {

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong guestErrors = new AtomicLong();

    /** Requests completed. */
    public long requests() {
        return requests.get();
    }

    /** Entropy bytes handed to the guest. */
    public long bytes() {
        return bytes.get();
    }

    /** Malformed chains and queue violations. */
    public long guestErrors() {
        return guestErrors.get();
    }

    void onRequest(final int length) {
        requests.incrementAndGet();
        bytes.addAndGet(length);
    }

    void onGuestError() {
        guestErrors.incrementAndGet();
    }
}
