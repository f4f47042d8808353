package io.crumblecracker.virtio.vsock;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.ConfigSpace;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.QueueDrain;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.util.List;
import java.util.Objects;

/**
 * The socket device (virtio 1.2 §5.10): stream connections between the guest (its CID in the configuration
 * space) and the host (CID 2), over an rx, a tx and an event queue. No feature bits of its own: with none
 * negotiated, stream sockets are implied (§5.10.3), and SEQPACKET is not offered.
 *
 * <p>The guest connects to host ports through the injected {@link VsockBackend}; the host connects to guest
 * ports with {@link #connect}. Either way the host holds a {@link VsockConnection} and hears of it through a
 * {@link VsockListener}. The device is a plain state machine with no threads: guest packets are processed
 * by {@link #processQueue}, host calls do their work before returning, and packets for the guest wait,
 * bounded, until the guest supplies receive buffers. Per connection, each direction has a buffer of
 * {@code bufferSize} bytes allocated when the connection is made; the number of connections is capped, so
 * a guest cannot make the device allocate without bound.
 *
 * <p>Thread safety: everything that touches connections or queues is serialised on this object;
 * configuration reads are lock-free. Listener callbacks run under this lock.
 */
public final class VsockDevice implements VirtioDevice {

    /** The maximum size of each queue. */
    public static final int QUEUE_SIZE = DEFAULT_QUEUE_SIZE;
    /** The connection limit when none is given. */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** Each direction's per-connection buffer when none is given. */
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** The first host port {@link #connect} hands out. */
    public static final int FIRST_EPHEMERAL_PORT = 1 << 30;

    private static final int MAX_CONNECTIONS = 1 << 16;
    private static final int MIN_BUFFER_SIZE = 1024;
    private static final int MAX_BUFFER_SIZE = 16 << 20;
    private static final int LAST_EPHEMERAL_PORT = 0xFFFF_FFFE;

    private final long guestCid;
    private final int bufferSize;
    private final ConfigSpace config = new ConfigSpace(VsockLayout.CONFIG_SIZE);
    private final VsockMetrics metrics = new VsockMetrics();
    private final ConnectionTable table;
    private final VsockRx rx;
    private final VsockEvents events = new VsockEvents(metrics);
    private final VsockTx tx;
    private SplitQueue txQueue;
    private VirtioInterrupt interrupt;
    private int nextPort = FIRST_EPHEMERAL_PORT;

    /** Creates a device with the default connection limit and buffer size. */
    public VsockDevice(final long guestCid, final VsockBackend backend) {
        this(guestCid, backend, DEFAULT_MAX_CONNECTIONS, DEFAULT_BUFFER_SIZE);
    }

    /**
     * Creates a device.
     *
     * @param guestCid       the guest's CID, in [3, 0xFFFFFFFE] (0, 1, 2 and 0xFFFFFFFF are reserved)
     * @param backend        decides on the guest's connection requests
     * @param maxConnections connections open at once, in [1, 65536]
     * @param bufferSize     bytes buffered per connection in each direction, in [1 KiB, 16 MiB]; also the
     *                       {@code buf_alloc} advertised to the guest
     */
    public VsockDevice(final long guestCid, final VsockBackend backend, final int maxConnections,
            final int bufferSize) {
        if (guestCid <= VsockLayout.HOST_CID || guestCid > VsockLayout.MAX_GUEST_CID) {
            throw new IllegalArgumentException("guestCid=" + guestCid + " is reserved or above 0xFFFFFFFE");
        }
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("maxConnections=" + maxConnections + " is not in [1, 65536]");
        }
        if (bufferSize < MIN_BUFFER_SIZE || bufferSize > MAX_BUFFER_SIZE) {
            throw new IllegalArgumentException("bufferSize=" + bufferSize + " is not in [1 KiB, 16 MiB]");
        }
        this.guestCid = guestCid;
        this.bufferSize = bufferSize;
        this.table = new ConnectionTable(maxConnections);
        this.rx = new VsockRx(maxConnections, metrics);
        this.tx = new VsockTx(this, Objects.requireNonNull(backend, "backend"), table, rx, metrics);
        config.putU64(VsockLayout.CONFIG_GUEST_CID, guestCid);
    }

    /** The guest's CID. */
    public long guestCid() {
        return guestCid;
    }

    /** The device's counters. */
    public VsockMetrics metrics() {
        return metrics;
    }

    /**
     * Opens a connection from a free host port to {@code guestPort}: REQUEST goes to the guest (once it has
     * receive buffers), and {@code listener} hears {@link VsockListener#onConnected} on its RESPONSE or
     * {@link VsockListener#onClosed} on its RST. Data written before then waits.
     *
     * @throws IllegalStateException if the connection limit is reached
     */
    public synchronized VsockConnection connect(final int guestPort, final VsockListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (table.isFull()) {
            throw new IllegalStateException("connection limit reached connections=" + table.size());
        }
        final VsockFlow flow = new VsockFlow(this, listener, guestPort, freeHostPort(guestPort), true);
        table.put(flow);
        schedule(flow);
        flush();
        return flow.handle();
    }

    /** Connections in the table, including closed ones whose RST has not reached the guest yet. */
    public synchronized int connectionCount() {
        return table.size();
    }

    /**
     * Drops every connection (their listeners hear {@link VsockListener#onClosed}) and sends the driver a
     * TRANSPORT_RESET event (§5.10.6.7), as after a snapshot is restored; the driver then drops its
     * connections and re-reads its CID.
     */
    public synchronized void transportReset() {
        dropAll();
        events.transportReset();
    }

    @Override
    public DeviceType type() {
        return DeviceType.VSOCK;
    }

    @Override
    public long deviceFeatures() {
        return FeatureBits.COMMON;
    }

    @Override
    public int queueCount() {
        return 3;
    }

    /** guest_cid, read-only. */
    @Override
    public ConfigSpace configSpace() {
        return config;
    }

    @Override
    public synchronized void activate(final long features, final GuestMemory memory, final List<SplitQueue> queues,
            final VirtioInterrupt virtioInterrupt) {
        this.interrupt = Objects.requireNonNull(virtioInterrupt, "virtioInterrupt");
        this.txQueue = queues.get(VsockLayout.TX_QUEUE);
        rx.attach(queues.get(VsockLayout.RX_QUEUE), virtioInterrupt, guestCid);
        events.attach(queues.get(VsockLayout.EVENT_QUEUE), virtioInterrupt);
        flush();
    }

    @Override
    public synchronized void processQueue(final int index) {
        if (interrupt == null) {
            return;
        }
        switch (index) {
            case VsockLayout.RX_QUEUE -> flush();
            case VsockLayout.TX_QUEUE -> {
                QueueDrain.drain(index, txQueue, tx, interrupt);
                flush();
            }
            case VsockLayout.EVENT_QUEUE -> events.deliver();
            default -> {
                // No such queue.
            }
        }
    }

    /** Drops every connection (listeners hear {@link VsockListener#onClosed}) and forgets the queues. */
    @Override
    public synchronized void reset() {
        dropAll();
        rx.detach();
        events.detach();
        txQueue = null;
        interrupt = null;
    }

    int bufferSize() {
        return bufferSize;
    }

    /** Queues {@code flow} for the rx queue if it has a packet ready. */
    void schedule(final VsockFlow flow) {
        rx.schedule(flow);
    }

    /** Moves owed packets into the guest's receive buffers. */
    void flush() {
        rx.deliver();
    }

    /** Removes {@code flow} from the connection table. */
    void forget(final VsockFlow flow) {
        table.remove(flow);
    }

    private void dropAll() {
        rx.forgetOwed();
        final VsockFlow[] flows = table.snapshot();
        table.clear();
        for (final VsockFlow flow : flows) {
            flow.drop();
        }
    }

    private int freeHostPort(final int guestPort) {
        while (true) {
            final int port = nextPort;
            nextPort = port == LAST_EPHEMERAL_PORT ? FIRST_EPHEMERAL_PORT : port + 1;
            if (table.get(guestPort, port) == null) {
                return port;
            }
        }
    }
}
