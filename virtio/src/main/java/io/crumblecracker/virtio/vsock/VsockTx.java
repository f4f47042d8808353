package io.crumblecracker.virtio.vsock;

import io.crumblecracker.virtio.device.QueueDrain;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;

/**
 * The tx side of the socket device (virtio 1.2 §5.10.6.4, §5.10.6.5): parses each packet the guest sends,
 * then acts on it. Every chain is completed with used length 0 (tx buffers are device-readable).
 *
 * <p>Malformed or misaddressed packets are dropped and counted. A packet of unknown type or op is
 * answered with RST (§5.10.6.4), which also ends its flow if there was one. A packet for a known flow goes
 * to it ({@link VsockFlow}); for no flow, a REQUEST asks the {@link VsockBackend} (RESPONSE if accepted,
 * RST if refused or the connection limit is reached), an RST is ignored, and anything else gets RST.
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class VsockTx implements QueueDrain.ChainHandler {

    private final VsockDevice device;
    private final VsockBackend backend;
    private final ConnectionTable table;
    private final VsockRx rx;
    private final VsockMetrics metrics;
    private final VsockPacket packet = new VsockPacket();

    VsockTx(final VsockDevice device, final VsockBackend backend, final ConnectionTable table, final VsockRx rx,
            final VsockMetrics metrics) {
        this.device = device;
        this.backend = backend;
        this.table = table;
        this.rx = rx;
        this.metrics = metrics;
    }

    @Override
    public int handle(final DescriptorChain chain) {
        final VsockPacket.Check check = packet.parse(chain, device.guestCid());
        if (check == VsockPacket.Check.VALID) {
            metrics.onPacketFromGuest(packet.op(), packet.len());
            dispatch();
        } else if (check.answeredWithReset()) {
            metrics.onGuestError();
            refuse();
        } else {
            metrics.onDropped();
        }
        return 0;
    }

    @Override
    public void onViolation(final QueueViolation violation) {
        metrics.onGuestError();
    }

    private void dispatch() {
        final VsockFlow flow = table.get(packet.srcPort(), packet.dstPort());
        if (flow == null) {
            unknownFlow();
            return;
        }
        if (packet.op() == VsockLayout.OP_RST) {
            flow.onReset();
            return;
        }
        if (flow.state() == VsockConnection.State.CLOSED) {
            return; // Its RST is on the way; nothing else matters.
        }
        flow.onPeerCredit(packet.bufAlloc(), packet.fwdCnt());
        switch (packet.op()) {
            case VsockLayout.OP_REQUEST -> flow.onRequest();
            case VsockLayout.OP_RESPONSE -> flow.onResponse();
            case VsockLayout.OP_RW -> flow.onData(packet, packet.len());
            case VsockLayout.OP_SHUTDOWN -> flow.onShutdown(packet.flags());
            case VsockLayout.OP_CREDIT_REQUEST -> flow.onCreditRequest();
            default -> {
                // CREDIT_UPDATE: the credit is already recorded.
            }
        }
    }

    private void unknownFlow() {
        if (packet.op() == VsockLayout.OP_REQUEST) {
            accept();
        } else if (packet.op() != VsockLayout.OP_RST) {
            rx.resetOrphan(packet.dstPort(), packet.srcPort());
        }
    }

    private void accept() {
        final VsockListener listener = table.isFull() ? null : backend.accept(packet.dstPort(), packet.srcPort());
        if (listener == null) {
            rx.resetOrphan(packet.dstPort(), packet.srcPort());
            return;
        }
        final VsockFlow flow = new VsockFlow(device, listener, packet.srcPort(), packet.dstPort(), false);
        table.put(flow);
        metrics.onConnection();
        flow.onPeerCredit(packet.bufAlloc(), packet.fwdCnt());
        listener.onConnected(flow.handle());
    }

    /** Answers a packet of unknown type or op with RST, ending its flow if it has one. */
    private void refuse() {
        if (packet.op() == VsockLayout.OP_RST) {
            return;
        }
        final VsockFlow flow = table.get(packet.srcPort(), packet.dstPort());
        if (flow != null) {
            flow.reset();
        } else {
            rx.resetOrphan(packet.dstPort(), packet.srcPort());
        }
    }
}
