package io.crumblecracker.virtio.vsock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one socket device, for observation. Written under the device's lock, readable from any
 * thread.
 */
public final class VsockMetrics {

    private final AtomicLong packetsFromGuest = new AtomicLong();
    private final AtomicLong bytesFromGuest = new AtomicLong();
    private final AtomicLong packetsToGuest = new AtomicLong();
    private final AtomicLong bytesToGuest = new AtomicLong();
    private final AtomicLong resetsToGuest = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong guestErrors = new AtomicLong();
    private final AtomicLong orphanResetsLost = new AtomicLong();

    /** Well-formed packets the guest sent. */
    public long packetsFromGuest() {
        return packetsFromGuest.get();
    }

    /** Payload bytes the guest sent on established connections. */
    public long bytesFromGuest() {
        return bytesFromGuest.get();
    }

    /** Packets put into the guest's receive buffers. */
    public long packetsToGuest() {
        return packetsToGuest.get();
    }

    /** Payload bytes put into the guest's receive buffers. */
    public long bytesToGuest() {
        return bytesToGuest.get();
    }

    /** RST packets sent to the guest. */
    public long resetsToGuest() {
        return resetsToGuest.get();
    }

    /** Connections established, either way. */
    public long connections() {
        return connections.get();
    }

    /** Packets dropped unanswered: short, oversized, truncated or misaddressed headers. */
    public long dropped() {
        return dropped.get();
    }

    /** Protocol and credit violations, unusable receive chains, and queue violations. */
    public long guestErrors() {
        return guestErrors.get();
    }

    /** RSTs for unknown flows that did not fit the bounded backlog. */
    public long orphanResetsLost() {
        return orphanResetsLost.get();
    }

    void onPacketFromGuest(final int op, final int length) {
        packetsFromGuest.incrementAndGet();
        if (op == VsockLayout.OP_RW) {
            bytesFromGuest.addAndGet(length);
        }
    }

    void onPacketToGuest(final int op, final int length) {
        packetsToGuest.incrementAndGet();
        bytesToGuest.addAndGet(length);
        if (op == VsockLayout.OP_RST) {
            resetsToGuest.incrementAndGet();
        }
    }

    void onConnection() {
        connections.incrementAndGet();
    }

    void onDropped() {
        dropped.incrementAndGet();
    }

    void onGuestError() {
        guestErrors.incrementAndGet();
    }

    void onOrphanResetLost() {
        orphanResetsLost.incrementAndGet();
    }
}
