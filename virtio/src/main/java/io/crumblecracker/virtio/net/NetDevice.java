package io.crumblecracker.virtio.net;

import static io.crumblecracker.virtio.net.NetLayout.ETH_HLEN;
import static io.crumblecracker.virtio.net.NetLayout.HEADER_SIZE;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.ConfigSpace;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.QueueDrain;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.ChainReader;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * The network device (virtio 1.2 §5.1) with one receive/transmit queue pair and no control queue, no
 * multiqueue and no offloads: it offers MAC, MTU and STATUS besides the common bits. Every frame travels
 * behind a 12-byte {@code virtio_net_hdr}.
 *
 * <p>Transmit (§5.1.6.2): each chain's readable bytes must be a header plus a frame of {@link NetLayout#ETH_HLEN}
 * to {@link NetLayout#MAX_FRAME_SIZE} bytes, with no offload flags and {@code gso_type} NONE (none was
 * negotiated); the frame is copied into one reused buffer and handed to the injected {@link NetBackend}
 * without its header. Anything else is dropped and counted. Receive (§5.1.6.4): the host pushes frames with
 * {@link #receive} into a bounded backlog, which the device empties into receive buffers as the guest
 * supplies them (the backlog's class documents how too-small buffers are handled).
 *
 * <p>Received frames are capped at {@code mtu} plus the Ethernet header and one VLAN tag, which is what a
 * driver sizes its buffers for (§5.1.6.3.1; Linux's small buffers hold 1518 bytes at MTU 1500).
 *
 * <p>Thread safety: queue processing, {@link #receive} and {@link #setLinkUp} are serialised on this object,
 * so a backend thread may push frames at any time; configuration reads are lock-free.
 */
public final class NetDevice implements VirtioDevice {

    /** The maximum size of each queue. */
    public static final int QUEUE_SIZE = DEFAULT_QUEUE_SIZE;
    /** The MTU when none is given. */
    public static final int DEFAULT_MTU = 1500;
    /** The receive backlog's default size in bytes. */
    public static final int DEFAULT_BACKLOG_BYTES = 256 * 1024;

    private static final int MAX_BACKLOG_BYTES = 64 << 20;

    private final NetBackend backend;
    private final byte[] mac;
    private final int mtu;
    private final int maxReceiveFrame;
    private final ConfigSpace config = new ConfigSpace(NetLayout.CONFIG_SIZE);
    private final NetMetrics metrics = new NetMetrics();
    private final NetBacklog backlog;
    private final QueueDrain.ChainHandler transmit = new Transmit();
    private SplitQueue transmitQueue;
    private VirtioInterrupt interrupt;
    private long negotiated;
    private boolean linkUp = true;

    /** Creates a device with MTU {@value #DEFAULT_MTU} and a backlog of {@value #DEFAULT_BACKLOG_BYTES} bytes. */
    public NetDevice(final NetBackend backend, final byte[] mac) {
        this(backend, mac, DEFAULT_MTU, DEFAULT_BACKLOG_BYTES);
    }

    /**
     * Creates a device.
     *
     * @param backend      where transmitted frames go
     * @param mac          the 6-byte unicast MAC address the guest will use
     * @param mtu          the link MTU, in [{@value NetLayout#MIN_MTU}, {@value NetLayout#MAX_MTU}]
     * @param backlogBytes bytes of received frames held while the guest has no buffers (each frame costs 4
     *                     more); at least one largest frame, at most 64 MiB
     */
    public NetDevice(final NetBackend backend, final byte[] mac, final int mtu, final int backlogBytes) {
        this.backend = Objects.requireNonNull(backend, "backend");
        if (mac.length != NetLayout.MAC_BYTES || (mac[0] & 1) != 0) {
            throw new IllegalArgumentException("mac must be 6 bytes of a unicast address length=" + mac.length);
        }
        if (mtu < NetLayout.MIN_MTU || mtu > NetLayout.MAX_MTU) {
            throw new IllegalArgumentException("mtu=" + mtu + " is not in [" + NetLayout.MIN_MTU + ", "
                    + NetLayout.MAX_MTU + "]");
        }
        this.maxReceiveFrame = mtu + ETH_HLEN + NetLayout.VLAN_HLEN;
        if (backlogBytes < maxReceiveFrame + 4 || backlogBytes > MAX_BACKLOG_BYTES) {
            throw new IllegalArgumentException("backlogBytes=" + backlogBytes + " is not in ["
                    + (maxReceiveFrame + 4) + ", " + MAX_BACKLOG_BYTES + "]");
        }
        this.mac = mac.clone();
        this.mtu = mtu;
        this.backlog = new NetBacklog(backlogBytes, metrics);
        for (int i = 0; i < NetLayout.MAC_BYTES; i++) {
            config.putU8(NetLayout.CONFIG_MAC + i, mac[i]);
        }
        config.putU16(NetLayout.CONFIG_STATUS, NetLayout.S_LINK_UP);
        config.putU16(NetLayout.CONFIG_MAX_VIRTQUEUE_PAIRS, 1);
        config.putU16(NetLayout.CONFIG_MTU, mtu);
    }

    /** The device's counters. */
    public NetMetrics metrics() {
        return metrics;
    }

    /** The MAC address (a copy). */
    public byte[] mac() {
        return mac.clone();
    }

    /** The link MTU. */
    public int mtu() {
        return mtu;
    }

    /**
     * Pushes one received Ethernet frame (the bytes from {@code frame}'s position to its limit, position left
     * unchanged) towards the guest: copied into the backlog, then into a receive buffer if one is available.
     *
     * @return false if the frame was refused: the device is not active, the frame is shorter than an
     *         Ethernet header or longer than the MTU allows, or the backlog is full (then
     *         {@link NetBackend#onReceiveSpace} follows once the guest has taken frames)
     */
    public synchronized boolean receive(final ByteBuffer frame) {
        final int length = frame.remaining();
        if (!backlog.isAttached() || length < ETH_HLEN || length > maxReceiveFrame || !backlog.offer(frame)) {
            metrics.onRxRefused();
            return false;
        }
        deliver();
        return true;
    }

    /** Bytes of received frames waiting for guest buffers (4 per frame included). */
    public synchronized int pendingReceive() {
        return backlog.pending();
    }

    /** Reports the link up or down in {@code status}, with a configuration-change notification if negotiated. */
    public synchronized void setLinkUp(final boolean up) {
        linkUp = up;
        config.putU16(NetLayout.CONFIG_STATUS, up ? NetLayout.S_LINK_UP : 0);
        if (interrupt != null && FeatureBits.has(negotiated, NetLayout.F_STATUS)) {
            interrupt.signalConfigChange();
        }
    }

    /** True unless {@link #setLinkUp} took the link down. */
    public synchronized boolean isLinkUp() {
        return linkUp;
    }

    @Override
    public DeviceType type() {
        return DeviceType.NET;
    }

    @Override
    public long deviceFeatures() {
        return FeatureBits.COMMON | NetLayout.F_MAC | NetLayout.F_MTU | NetLayout.F_STATUS;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    /** mac, status and mtu; mac is writable only in legacy mode (§5.1.4.2), so all are read-only here. */
    @Override
    public ConfigSpace configSpace() {
        return config;
    }

    @Override
    public synchronized void activate(final long features, final GuestMemory memory, final List<SplitQueue> queues,
            final VirtioInterrupt virtioInterrupt) {
        this.interrupt = Objects.requireNonNull(virtioInterrupt, "virtioInterrupt");
        this.negotiated = features;
        this.transmitQueue = queues.get(NetLayout.TRANSMIT_QUEUE);
        backlog.attach(queues.get(NetLayout.RECEIVE_QUEUE), virtioInterrupt);
    }

    @Override
    public synchronized void processQueue(final int index) {
        if (interrupt == null) {
            return;
        }
        if (index == NetLayout.RECEIVE_QUEUE) {
            deliver();
        } else if (index == NetLayout.TRANSMIT_QUEUE) {
            QueueDrain.drain(index, transmitQueue, transmit, interrupt);
        }
    }

    /** Forgets the queues and discards the backlog; MAC, MTU and link state are kept. */
    @Override
    public synchronized void reset() {
        backlog.detach();
        transmitQueue = null;
        interrupt = null;
        negotiated = 0;
    }

    private void deliver() {
        if (backlog.deliver()) {
            backend.onReceiveSpace();
        }
    }

    /** Validates one transmit chain and hands its frame to the backend; runs under the device's lock. */
    private final class Transmit implements QueueDrain.ChainHandler {

        private final ChainReader reader = new ChainReader();
        private final byte[] frame = new byte[NetLayout.MAX_FRAME_SIZE];
        private final ByteBuffer view = ByteBuffer.wrap(frame);

        @Override
        public int handle(final DescriptorChain chain) {
            final long length = chain.readableLength();
            if (length < HEADER_SIZE + ETH_HLEN || length > NetLayout.MAX_PACKET_SIZE) {
                metrics.onGuestError();
                return 0;
            }
            reader.wrap(chain);
            final int flags = reader.readU8();
            final int gsoType = reader.readU8();
            if (flags != 0 || gsoType != NetLayout.GSO_NONE) {
                metrics.onGuestError();
                return 0;
            }
            reader.skip(HEADER_SIZE - 2);
            final int frameLength = (int) length - HEADER_SIZE;
            reader.read(frame, 0, frameLength);
            view.clear().limit(frameLength);
            metrics.onTx(frameLength);
            backend.send(view);
            return 0;
        }

        @Override
        public void onViolation(final QueueViolation violation) {
            metrics.onGuestError();
        }
    }
}
