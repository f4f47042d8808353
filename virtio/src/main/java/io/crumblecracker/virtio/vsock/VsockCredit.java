package io.crumblecracker.virtio.vsock;

/**
 * The credit arithmetic of one stream flow (virtio 1.2 §5.10.6.3), in free-running unsigned 32-bit
 * counters.
 *
 * <p>Host to guest: the guest reports {@code buf_alloc} and {@code fwd_cnt} on every packet; the host has
 * sent {@code tx_cnt} bytes; it may send {@code buf_alloc - (tx_cnt - fwd_cnt)} more. A guest whose
 * {@code fwd_cnt} runs ahead of {@code tx_cnt} (a lie) makes the bytes in flight look huge, so its credit
 * is 0, never more than {@code buf_alloc}.
 *
 * <p>Guest to host: the host advertises its inbound buffer's size as {@code buf_alloc} and the bytes read
 * from it so far as {@code fwd_cnt}. An update is due when reading freed space the guest has not been told
 * of and the guest's view of the free space has fallen below half the buffer, so a guest waiting for credit
 * always hears of it and a steady flow does not cost one update per read.
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class VsockCredit {

    private final int bufAlloc;
    private int peerBufAlloc;
    private int peerFwdCnt;
    private int txCnt;
    private int fwdCnt;
    private int advertisedFwdCnt;

    /** Credit for a flow whose inbound buffer holds {@code bufAlloc} bytes. */
    VsockCredit(final int bufAlloc) {
        this.bufAlloc = bufAlloc;
    }

    /** Records the credit a guest packet carried. */
    void onPeer(final int peerBuf, final int peerFwd) {
        peerBufAlloc = peerBuf;
        peerFwdCnt = peerFwd;
    }

    /** Bytes the host may still send. */
    long peerFree() {
        final long inFlight = Integer.toUnsignedLong(txCnt - peerFwdCnt);
        final long alloc = Integer.toUnsignedLong(peerBufAlloc);
        return inFlight >= alloc ? 0 : alloc - inFlight;
    }

    /** The host sent {@code bytes} of payload. */
    void onSent(final int bytes) {
        txCnt += bytes;
    }

    /** The host read {@code bytes} from the inbound buffer. */
    void onConsumed(final int bytes) {
        fwdCnt += bytes;
    }

    /** {@code buf_alloc} to advertise. */
    int bufAlloc() {
        return bufAlloc;
    }

    /** {@code fwd_cnt} to advertise; the guest now knows it. */
    int advertise() {
        advertisedFwdCnt = fwdCnt;
        return fwdCnt;
    }

    /** True if a CREDIT_UPDATE should go out, given {@code buffered} bytes still unread. */
    boolean updateDue(final int buffered) {
        final long unadvertised = Integer.toUnsignedLong(fwdCnt - advertisedFwdCnt);
        final long guestViewOfFree = bufAlloc - (long) buffered - unadvertised;
        return unadvertised != 0 && guestViewOfFree < bufAlloc / 2;
    }
}
