package io.crumblecracker.virtio.blk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one block device, for observation. Written on the queue's processing thread, readable from
 * any thread.
 */
public final class BlkMetrics {

    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong ioErrors = new AtomicLong();
    private final AtomicLong guestErrors = new AtomicLong();

    /** Successful IN requests. */
    public long reads() {
        return reads.get();
    }

    /** Successful OUT requests. */
    public long writes() {
        return writes.get();
    }

    /** Successful FLUSH requests. */
    public long flushes() {
        return flushes.get();
    }

    /** Bytes read from the backend into guest memory. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** Bytes written from guest memory to the backend. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Requests the backend failed. */
    public long ioErrors() {
        return ioErrors.get();
    }

    /** Malformed or refused requests, and queue violations. */
    public long guestErrors() {
        return guestErrors.get();
    }

    void onRead(final long bytes) {
        reads.incrementAndGet();
        bytesRead.addAndGet(bytes);
    }

    void onWrite(final long bytes) {
        writes.incrementAndGet();
        bytesWritten.addAndGet(bytes);
    }

    void onFlush() {
        flushes.incrementAndGet();
    }

    void onIoError() {
        ioErrors.incrementAndGet();
    }

    void onGuestError() {
        guestErrors.incrementAndGet();
    }
}
