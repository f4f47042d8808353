package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.vsock.VsockLayout.SHUTDOWN_BOTH;
import static io.crumblecracker.virtio.vsock.VsockLayout.SHUTDOWN_RCV;
import static io.crumblecracker.virtio.vsock.VsockLayout.SHUTDOWN_SEND;

import io.crumblecracker.virtio.vsock.VsockConnection.State;
import java.nio.ByteBuffer;

/**
 * The device's state for one stream connection (virtio 1.2 §5.10.6.5): its state, the packets it owes the
 * guest, shutdown flags, credit and buffers. Events come from the guest's packets ({@code on*}) and from the
 * host's {@link VsockConnection} calls; {@link #emit} turns what is owed into the next packet for the rx
 * queue.
 *
 * <p>Owed packets are bits, not a queue, so a flow owes at most one of each kind: RST, REQUEST, RESPONSE,
 * SHUTDOWN, CREDIT_UPDATE, plus whatever data its credit allows. Their order is RST, REQUEST or RESPONSE,
 * data, SHUTDOWN once the data is gone, then a credit update; every packet carries the credit.
 *
 * <p>The guest's SHUTDOWN flags are permanent. SHUTDOWN with both flags, and any packet that does not fit
 * the state (RESPONSE when established, data when connecting, data beyond the host's credit), are
 * answered with RST. The host learns of the end through {@link VsockListener#onClosed}, exactly once.
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class VsockFlow {

    private static final int P_REQUEST = 1;
    private static final int P_RESPONSE = 2;
    private static final int P_CREDIT_UPDATE = 4;
    private static final int P_SHUTDOWN = 8;
    private static final int P_RST = 16;

    private final VsockDevice device;
    private final VsockListener listener;
    private final VsockConnection handle;
    private final int guestPort;
    private final int hostPort;
    private final ByteRing outbound;
    private final ByteRing inbound;
    private final VsockCredit credit;
    private State state;
    private int owed;
    private int localShutdown;
    private int peerShutdown;
    private boolean wantsWritable;
    private boolean queued;

    VsockFlow(final VsockDevice device, final VsockListener listener, final int guestPort, final int hostPort,
            final boolean hostInitiated) {
        this.device = device;
        this.listener = listener;
        this.handle = new VsockConnection(device, this);
        this.guestPort = guestPort;
        this.hostPort = hostPort;
        this.outbound = new ByteRing(device.bufferSize());
        this.inbound = new ByteRing(device.bufferSize());
        this.credit = new VsockCredit(device.bufferSize());
        this.state = hostInitiated ? State.CONNECTING : State.ESTABLISHED;
        this.owed = hostInitiated ? P_REQUEST : P_RESPONSE;
    }

    VsockConnection handle() {
        return handle;
    }

    int guestPort() {
        return guestPort;
    }

    int hostPort() {
        return hostPort;
    }

    State state() {
        return state;
    }

    boolean isQueued() {
        return queued;
    }

    void setQueued(final boolean value) {
        queued = value;
    }

    // ---- Host calls (through the handle). ----

    int write(final ByteBuffer src) {
        if (state == State.CLOSED || state == State.CLOSING || (localShutdown & SHUTDOWN_SEND) != 0
                || (peerShutdown & SHUTDOWN_RCV) != 0) {
            return -1;
        }
        final int taken = outbound.put(src);
        wantsWritable |= src.hasRemaining();
        device.schedule(this);
        return taken;
    }

    int read(final ByteBuffer dst) {
        final int moved = inbound.take(dst);
        if (moved == 0) {
            return inbound.size() == 0 && (state == State.CLOSED || (peerShutdown & SHUTDOWN_SEND) != 0) ? -1 : 0;
        }
        credit.onConsumed(moved);
        if (state == State.ESTABLISHED && credit.updateDue(inbound.size())) {
            owe(P_CREDIT_UPDATE);
        }
        return moved;
    }

    int readable() {
        return inbound.size();
    }

    int writable() {
        return outbound.space();
    }

    void shutdownOutput() {
        if (state == State.ESTABLISHED && (localShutdown & SHUTDOWN_SEND) == 0) {
            localShutdown |= SHUTDOWN_SEND;
            owe(P_SHUTDOWN);
        }
    }

    void close() {
        if (state == State.CONNECTING) {
            reset();
        } else if (state == State.ESTABLISHED) {
            state = State.CLOSING;
            localShutdown = SHUTDOWN_BOTH;
            owe(P_SHUTDOWN);
        }
    }

    /** Ends the flow from the host's side: RST goes out, then the table forgets it. */
    void reset() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        owed = P_RST;
        outbound.clear();
        device.schedule(this);
        listener.onClosed(handle);
    }

    /** Ends the flow without telling the guest (device or transport reset). */
    void drop() {
        final boolean open = state != State.CLOSED;
        state = State.CLOSED;
        owed = 0;
        outbound.clear();
        if (open) {
            listener.onClosed(handle);
        }
    }

    // ---- Guest packets (from the tx queue). ----

    /** Records the credit every packet of the flow carries, then lets data flow if it now may. */
    void onPeerCredit(final int bufAlloc, final int fwdCnt) {
        credit.onPeer(bufAlloc, fwdCnt);
        device.schedule(this);
    }

    void onRequest() {
        reset();
    }

    void onResponse() {
        if (state != State.CONNECTING) {
            reset();
            return;
        }
        state = State.ESTABLISHED;
        device.metrics().onConnection();
        listener.onConnected(handle);
        device.schedule(this);
    }

    /** The guest sent {@code length} payload bytes, at {@code packet}'s payload position. */
    void onData(final VsockPacket packet, final int length) {
        if (state == State.CONNECTING || length > inbound.space()) {
            device.metrics().onGuestError();
            reset();
            return;
        }
        if (state != State.ESTABLISHED || (peerShutdown & SHUTDOWN_SEND) != 0 || length == 0) {
            return;
        }
        inbound.put(packet.payload(), length);
        listener.onReadable(handle);
    }

    void onShutdown(final int flags) {
        if (state == State.CONNECTING) {
            reset();
            return;
        }
        peerShutdown |= flags & SHUTDOWN_BOTH;
        if ((peerShutdown & SHUTDOWN_RCV) != 0) {
            outbound.clear();
        }
        listener.onShutdown(handle, peerShutdown);
        if (peerShutdown == SHUTDOWN_BOTH) {
            reset();
        }
    }

    void onCreditRequest() {
        if (state == State.CONNECTING) {
            reset();
        } else {
            owe(P_CREDIT_UPDATE);
        }
    }

    /** The guest sent RST: the flow is gone, with no answer. */
    void onReset() {
        final boolean open = state != State.CLOSED;
        state = State.CLOSED;
        owed = 0;
        outbound.clear();
        device.forget(this);
        if (open) {
            listener.onClosed(handle);
        }
    }

    // ---- Packets to the guest (into the rx queue). ----

    /** True if a packet is ready for the guest now. */
    boolean hasPacket() {
        if ((owed & (P_RST | P_REQUEST | P_RESPONSE | P_CREDIT_UPDATE)) != 0) {
            return true;
        }
        if (state != State.ESTABLISHED && state != State.CLOSING) {
            return false;
        }
        return outbound.size() > 0 ? credit.peerFree() > 0 : (owed & P_SHUTDOWN) != 0;
    }

    /** Writes the next packet through {@code rx}; {@link #hasPacket()} must be true. */
    void emit(final VsockRx rx) {
        int op = VsockLayout.OP_CREDIT_UPDATE;
        int bit = P_CREDIT_UPDATE;
        int length = 0;
        if ((owed & P_RST) != 0) {
            op = VsockLayout.OP_RST;
            bit = P_RST;
        } else if ((owed & (P_REQUEST | P_RESPONSE)) != 0) {
            op = (owed & P_REQUEST) != 0 ? VsockLayout.OP_REQUEST : VsockLayout.OP_RESPONSE;
            bit = P_REQUEST | P_RESPONSE;
        } else if (outbound.size() > 0 && credit.peerFree() > 0 && rx.payloadRoom() > 0) {
            op = VsockLayout.OP_RW;
            length = (int) Math.min(Math.min(outbound.size(), credit.peerFree()), rx.payloadRoom());
        } else if ((owed & P_SHUTDOWN) != 0 && outbound.size() == 0) {
            op = VsockLayout.OP_SHUTDOWN;
            bit = P_SHUTDOWN;
        }
        owed = op == VsockLayout.OP_RST ? 0 : owed & ~(bit | P_CREDIT_UPDATE);
        rx.header(hostPort, guestPort, op, op == VsockLayout.OP_SHUTDOWN ? localShutdown : 0, length,
                credit.bufAlloc(), credit.advertise());
        if (length > 0) {
            outbound.take(rx.writer(), length);
            credit.onSent(length);
        }
        if (op == VsockLayout.OP_RST) {
            device.forget(this);
        } else if (length > 0 && wantsWritable) {
            wantsWritable = false;
            listener.onWritable(handle);
        }
    }

    private void owe(final int bit) {
        owed |= bit;
        device.schedule(this);
    }

    @Override
    public String toString() {
        return "VsockFlow[guestPort=" + Integer.toUnsignedString(guestPort) + " hostPort="
                + Integer.toUnsignedString(hostPort) + " state=" + state + " owed=" + owed + "]";
    }
}
