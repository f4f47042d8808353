package io.crumblecracker.bench.virtio;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import io.crumblecracker.virtio.testing.VsockHeader;
import io.crumblecracker.virtio.vsock.VsockConnection;
import io.crumblecracker.virtio.vsock.VsockDevice;
import io.crumblecracker.virtio.vsock.VsockLayout;
import io.crumblecracker.virtio.vsock.VsockListener;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stream throughput through one established {@link VsockDevice} connection, 64 KiB payloads; one op is one
 * 64 KiB packet, and the {@code megabytes} counter reports MB/s (10^6 bytes).
 *
 * <ul>
 *   <li>{@code hostToGuest}: {@link VsockConnection#write} of 64 KiB, which the device sends at once as one
 *       RW packet into a posted 44 + 64 KiB receive buffer; then the guest re-posts the buffer and returns
 *       the credit with a CREDIT_UPDATE on tx, which the device processes.</li>
 *   <li>{@code guestToHost}: the guest publishes one RW packet (header and 64 KiB payload descriptors), the
 *       device processes tx (parse, copy into the connection's buffer), the host {@link VsockConnection#read}s
 *       all 64 KiB, and the device sends the CREDIT_UPDATE that read made due into a receive buffer.</li>
 * </ul>
 * Both include the guest driver's ring work; neither should allocate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class VsockThroughputBenchmark {

    /** Bytes moved per op. */
    static final int PAYLOAD = VsockLayout.MAX_PAYLOAD;

    private static final long CID = 3;
    private static final int GUEST_PORT = 4000;
    private static final int HOST_PORT = 80;
    private static final int GUEST_BUF_ALLOC = 256 * 1024;
    private static final int HOST_BUFFER = 256 * 1024;
    private static final int QUEUE_SIZE = 256;
    private static final int RX_BUFFERS = 16;
    private static final int RX_BUFFER_BYTES = VsockLayout.HEADER_SIZE + PAYLOAD;
    private static final int FWD_CNT_OFFSET = 40;
    private static final long RX_RING = 0x1_0000;
    private static final long TX_RING = 0x2_0000;
    private static final long EVENT_RING = 0x3_0000;
    private static final long CREDIT_HEADER = 0x4_0000;
    private static final long DATA_HEADER = 0x4_0100;
    private static final long REQUEST_HEADER = 0x4_0200;
    private static final long TX_PAYLOAD = 0x5_0000;
    private static final long RX_AREA = 0x10_0000;
    private static final long RX_STRIDE = 0x1_1000;

    /** Throughput in MB/s, as a JMH secondary result. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Megabytes (10^6 bytes) moved; divided by time, MB/s. */
        public double megabytes;
    }

    private Arena arena;
    private GuestMemory memory;
    private VsockDevice device;
    private RingDriver rx;
    private RingDriver tx;
    private VsockConnection connection;
    private int creditHead;
    private int dataHead;
    private int guestReceived;
    private final CountingInterrupt interrupt = new CountingInterrupt();
    private final ByteBuffer hostBuffer = ByteBuffer.allocate(PAYLOAD);

    /** Starts the device, posts receive buffers, and connects the guest to the host's port. */
    @Setup(Level.Trial)
    public void setUp() throws RingViolation {
        arena = Arena.ofShared();
        memory = SegmentGuestMemory.of(arena.allocate(4 << 20, 4096));
        device = new VsockDevice(CID, (hostPort, guestPort) -> new VsockListener() {
            @Override
            public void onConnected(final VsockConnection accepted) {
                connection = accepted;
            }
        }, 4, HOST_BUFFER);
        rx = new RingDriver(memory, QUEUE_SIZE, RX_RING);
        tx = new RingDriver(memory, QUEUE_SIZE, TX_RING);
        final RingDriver event = new RingDriver(memory, QUEUE_SIZE, EVENT_RING);
        device.activate(device.deviceFeatures(), memory, List.of(rx.activatedQueue(QUEUE_SIZE, true),
                tx.activatedQueue(QUEUE_SIZE, true), event.activatedQueue(QUEUE_SIZE, true)), interrupt);
        for (int i = 0; i < RX_BUFFERS; i++) {
            rx.publish(rx.prepare(Buffer.writable(RX_AREA + RX_STRIDE * i, RX_BUFFER_BYTES)));
        }
        creditHead = txPacket(CREDIT_HEADER, VsockLayout.OP_CREDIT_UPDATE, 0);
        dataHead = txPacket(DATA_HEADER, VsockLayout.OP_RW, PAYLOAD);
        tx.publish(txPacket(REQUEST_HEADER, VsockLayout.OP_REQUEST, 0));
        device.processQueue(VsockLayout.TX_QUEUE);
        rx.recycle();
        if (connection == null || connection.state() != VsockConnection.State.ESTABLISHED) {
            throw new IllegalStateException("not connected: " + connection);
        }
    }

    /** Host writes 64 KiB; the guest takes the packet, re-posts the buffer and returns the credit. */
    @Benchmark
    public int hostToGuest(final Counters counters) {
        hostBuffer.clear();
        final int written = connection.write(hostBuffer);
        if (written != PAYLOAD || rx.recycle() != 1 || rx.lastUsedLength() != RX_BUFFER_BYTES) {
            throw new IllegalStateException("written=" + written + " usedLength=" + rx.lastUsedLength());
        }
        guestReceived += written;
        memory.writeU32(CREDIT_HEADER + FWD_CNT_OFFSET, guestReceived);
        tx.publish(creditHead);
        device.processQueue(VsockLayout.TX_QUEUE);
        counters.megabytes += PAYLOAD / 1e6;
        return written;
    }

    /** Guest sends 64 KiB; the host reads it all, which sends the guest a credit update. */
    @Benchmark
    public int guestToHost(final Counters counters) {
        tx.publish(dataHead);
        device.processQueue(VsockLayout.TX_QUEUE);
        hostBuffer.clear();
        final int read = connection.read(hostBuffer);
        if (read != PAYLOAD) {
            throw new IllegalStateException("read=" + read + " state=" + connection.state());
        }
        rx.recycle();
        counters.megabytes += PAYLOAD / 1e6;
        return read;
    }

    /** Checks the connection survived and the device saw no errors, then frees guest memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        interrupt.checkHealthy("vsock");
        if (connection.state() != VsockConnection.State.ESTABLISHED || device.metrics().guestErrors() != 0
                || device.metrics().dropped() != 0) {
            throw new IllegalStateException("state=" + connection.state() + " guestErrors="
                    + device.metrics().guestErrors() + " dropped=" + device.metrics().dropped());
        }
        device.reset();
        arena.close();
    }

    /** Prepares a tx chain: a header with the guest's credit, then {@code length} payload bytes. */
    private int txPacket(final long header, final int op, final int length) {
        VsockHeader.fromGuest(CID, GUEST_PORT, HOST_PORT, op).withLen(length).withCredit(GUEST_BUF_ALLOC, 0)
                .write(memory, header);
        return length == 0
                ? tx.prepare(Buffer.readable(header, VsockHeader.SIZE))
                : tx.prepare(Buffer.readable(header, VsockHeader.SIZE), Buffer.readable(TX_PAYLOAD, length));
    }
}
