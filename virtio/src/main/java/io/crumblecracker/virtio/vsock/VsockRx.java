package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.vsock.VsockLayout.HEADER_SIZE;

import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.ChainWriter;
import io.crumblecracker.virtio.device.ReceiveChains;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.util.ArrayDeque;

/**
 * The rx side of the socket device (virtio 1.2 §5.10.6.1, §5.10.6.4): decides which packet goes into the
 * next receive buffer and writes it there.
 *
 * <p>Two sources, both bounded: flows with something to send, in a round-robin queue that holds each flow
 * at most once (so at most the connection limit), and RSTs for packets that named no flow, in a fixed ring
 * of {@link #ORPHAN_RESETS} (when it is full, further ones are dropped and counted: the guest's connect
 * times out instead). This is the "additional resources outside the virtqueue" of §5.10.6.1: the tx queue
 * keeps being processed while the guest supplies no receive buffers.
 *
 * <p>A chain is popped only when a packet is ready. A chain with device-readable buffers or fewer than
 * {@link VsockLayout#HEADER_SIZE} writable bytes is returned empty and counted. Delivery may be re-entered
 * from a listener (a host write during a callback): the inner call only marks another pass.
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class VsockRx {

    /** RSTs for unknown flows held while the guest has no receive buffers. */
    static final int ORPHAN_RESETS = 64;

    private final VsockMetrics metrics;
    private final Runnable guestError;
    private final ArrayDeque<VsockFlow> ready;
    private final int[] orphanHostPorts = new int[ORPHAN_RESETS];
    private final int[] orphanGuestPorts = new int[ORPHAN_RESETS];
    private final ChainWriter writer = new ChainWriter();
    private int orphanHead;
    private int orphanCount;
    private long guestCid;
    private SplitQueue queue;
    private VirtioInterrupt interrupt;
    private boolean delivering;
    private boolean again;

    VsockRx(final int maxConnections, final VsockMetrics metrics) {
        this.ready = new ArrayDeque<>(maxConnections);
        this.metrics = metrics;
        this.guestError = this.metrics::onGuestError;
    }

    void attach(final SplitQueue rxQueue, final VirtioInterrupt virtioInterrupt, final long cid) {
        this.queue = rxQueue;
        this.interrupt = virtioInterrupt;
        this.guestCid = cid;
    }

    /** Forgets the queue and everything owed. */
    void detach() {
        queue = null;
        interrupt = null;
        forgetOwed();
    }

    /** Forgets every owed packet (the flows are being dropped). */
    void forgetOwed() {
        for (final VsockFlow flow : ready) {
            flow.setQueued(false);
        }
        ready.clear();
        orphanCount = 0;
    }

    /** Queues {@code flow} if it has a packet ready and is not queued yet. */
    void schedule(final VsockFlow flow) {
        if (!flow.isQueued() && flow.hasPacket()) {
            flow.setQueued(true);
            ready.addLast(flow);
        }
    }

    /** Owes RST from {@code hostPort} to {@code guestPort}, for a packet that named no flow. */
    void resetOrphan(final int hostPort, final int guestPort) {
        if (orphanCount == ORPHAN_RESETS) {
            metrics.onOrphanResetLost();
            return;
        }
        final int slot = (orphanHead + orphanCount) % ORPHAN_RESETS;
        orphanHostPorts[slot] = hostPort;
        orphanGuestPorts[slot] = guestPort;
        orphanCount++;
    }

    /** Moves owed packets into available receive buffers and notifies the driver if it wants to be. */
    void deliver() {
        if (queue == null) {
            return;
        }
        if (delivering) {
            again = true;
            return;
        }
        delivering = true;
        boolean healthy = true;
        try {
            do {
                again = false;
                fill();
            } while (again);
        } catch (final RingViolation violation) {
            metrics.onGuestError();
            healthy = false;
        } finally {
            delivering = false;
        }
        if (queue.needsNotification()) {
            interrupt.signalUsedBuffers(VsockLayout.RX_QUEUE);
        }
        if (!healthy) {
            interrupt.signalNeedsReset();
        }
    }

    /** Bytes of payload the current chain still has room for, capped at {@link VsockLayout#MAX_PAYLOAD}. */
    int payloadRoom() {
        return (int) Math.min(writer.remaining() - HEADER_SIZE, VsockLayout.MAX_PAYLOAD);
    }

    /** The writer on the current chain, for the payload after {@link #header}. */
    ChainWriter writer() {
        return writer;
    }

    /** Writes a header from the host to the guest into the current chain. */
    void header(final int hostPort, final int guestPort, final int op, final int flags, final int length,
            final int bufAlloc, final int fwdCnt) {
        VsockPacket.write(writer, guestCid, hostPort, guestPort, op, flags, length, bufAlloc, fwdCnt);
        metrics.onPacketToGuest(op, length);
    }

    private void fill() throws RingViolation {
        while (hasPacket()) {
            final DescriptorChain chain = ReceiveChains.next(queue, guestError);
            if (chain == null) {
                return;
            }
            queue.addUsed(chain.head(), write(chain));
        }
    }

    /** True if an orphan RST is owed or a queued flow has a packet; drops flows that no longer do. */
    private boolean hasPacket() {
        while (!ready.isEmpty() && !ready.peekFirst().hasPacket()) {
            ready.pollFirst().setQueued(false);
        }
        return orphanCount > 0 || !ready.isEmpty();
    }

    private int write(final DescriptorChain chain) {
        if (chain.readableCount() != 0 || chain.writableLength() < HEADER_SIZE) {
            metrics.onGuestError();
            return 0;
        }
        writer.wrap(chain);
        if (orphanCount > 0) {
            header(orphanHostPorts[orphanHead], orphanGuestPorts[orphanHead], VsockLayout.OP_RST, 0, 0, 0, 0);
            orphanHead = (orphanHead + 1) % ORPHAN_RESETS;
            orphanCount--;
            return HEADER_SIZE;
        }
        final VsockFlow flow = ready.pollFirst();
        flow.setQueued(false);
        flow.emit(this);
        schedule(flow);
        return (int) writer.position();
    }
}
