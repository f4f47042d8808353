package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.vsock.VsockGuest.CID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.testing.Entropy;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import io.crumblecracker.virtio.testing.HostileQueues;
import io.crumblecracker.virtio.testing.HostileRing;
import io.crumblecracker.virtio.testing.VsockHeader;
import io.crumblecracker.virtio.vsock.VsockGuest.Packet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The socket device against hostile guests: packets whose every header field is biased towards the edges
 * the parser guards, split across descriptors at any byte, mixed with receive buffers of any size and with
 * host calls. Nothing may throw, every tx chain must be completed, every packet the device writes must be
 * well formed, and the connection limit must hold.
 *
 * <p>A second property drives an honest guest with a small receive buffer against a host that writes as
 * fast as it can: the guest must never hold more unread bytes than its {@code buf_alloc}, and the bytes
 * must arrive in order.
 *
 * <p>{@code mvn test} replays the committed inputs (Jazzer regression mode); {@code JAZZER_FUZZ=1} fuzzes.
 */
class VsockFuzzTest {

    private static final int MAX_CONNECTIONS = 4;
    private static final GuestMemory MEMORY = FakeDriver.newMemory(VsockGuest.MEMORY_SIZE);

    @FuzzTest
    void fuzzVsockPackets(final FuzzedDataProvider data) {
        exercise(Entropy.of(data));
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24})
    void shouldSurviveThousandsOfHostilePackets(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        long connections = 0;
        long bytesToGuest = 0;
        long bytesFromGuest = 0;
        for (int i = 0; i < 250; i++) {
            final VsockMetrics metrics = exercise(Entropy.of(random.split()));
            connections += metrics.connections();
            bytesToGuest += metrics.bytesToGuest();
            bytesFromGuest += metrics.bytesFromGuest();
        }
        assertTrue(connections > 0 && bytesToGuest > 0 && bytesFromGuest > 0, "the generator reaches data transfer"
                + " connections=" + connections + " bytesToGuest=" + bytesToGuest
                + " bytesFromGuest=" + bytesFromGuest);
    }

    @ParameterizedTest
    @ValueSource(longs = {25, 26})
    void shouldSurviveHostileRingsOnEveryQueue(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final GuestMemory memory = FakeDriver.newMemory(HostileRing.RAM);
        for (int i = 0; i < 300; i++) {
            final Entropy entropy = Entropy.of(random.split());
            final VsockDevice device = new VsockDevice(CID, (h, g) -> new VsockListener() { }, 2, 1024);
            HostileQueues.attack(device, entropy.nextInt(3), entropy, memory, () -> {
                device.connect(1, new VsockListener() { }).write(ByteBuffer.allocate(2000));
                device.transportReset();
                device.connect(2, new VsockListener() { });
            });
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void shouldNeverOverrunAnHonestGuest(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final RecordingListener listener = new RecordingListener();
        final VsockGuest guest = new VsockGuest(new VsockDevice(CID, (h, g) -> listener, 1, 4096));
        final int bufAlloc = 1 + random.nextInt(3000);
        guest.postRx(1, 64);
        guest.send(VsockGuest.header(9, 9, VsockLayout.OP_REQUEST).withCredit(bufAlloc, 0), "");
        long written = 0;
        long received = 0;
        long consumed = 0;
        for (int step = 0; step < 3000; step++) {
            switch (random.nextInt(3)) {
                case 0 -> written += write(listener, written, random.nextInt(3000));
                case 1 -> {
                    consumed += random.nextLong(received - consumed + 1);
                    guest.send(VsockGuest.header(9, 9, VsockLayout.OP_CREDIT_UPDATE).withCredit(bufAlloc,
                            (int) consumed), "");
                }
                default -> guest.postRx(Math.min(random.nextInt(8), VsockGuest.QUEUE - guest.outstandingRx()),
                        44 + random.nextInt(2000));
            }
            for (final Packet packet : guest.received()) {
                if (packet.header() != null && packet.header().op() == VsockLayout.OP_RW) {
                    for (final byte b : packet.payload()) {
                        assertEquals((byte) received++, b, "bytes arrive in order");
                    }
                }
            }
            assertTrue(received - consumed <= bufAlloc, "unread=" + (received - consumed) + " bufAlloc=" + bufAlloc);
        }
        assertTrue(received > 0);
    }

    private static long write(final RecordingListener listener, final long offset, final int length) {
        final ByteBuffer bytes = ByteBuffer.allocate(length);
        for (int i = 0; i < length; i++) {
            bytes.put(i, (byte) (offset + i));
        }
        return Math.max(0, listener.connection.write(bytes));
    }

    static VsockMetrics exercise(final Entropy entropy) {
        // Only the rings must start zeroed; data areas are written before they are read.
        MEMORY.fill(0, 0x10000, (byte) 0);
        final List<VsockConnection> connections = new ArrayList<>();
        final VsockListener listener = new VsockListener() {
            @Override
            public void onConnected(final VsockConnection connection) {
                connections.add(connection);
            }

            @Override
            public void onReadable(final VsockConnection connection) {
                connection.read(ByteBuffer.allocate(entropy.nextInt(2048)));
            }
        };
        final VsockGuest guest = new VsockGuest(new VsockDevice(CID, (hostPort, guestPort) -> hostPort < 3
                ? listener : null, MAX_CONNECTIONS, 1024), MEMORY);
        int sent = 0;
        final int steps = 1 + entropy.nextInt(40);
        for (int step = 0; step < steps; step++) {
            switch (entropy.nextInt(4)) {
                case 0 -> guest.postRx(Math.min(entropy.nextInt(4), VsockGuest.QUEUE - guest.outstandingRx()),
                        (int) entropy.pick(0, 20, 43, 44, 45, 100, 4096, 4096, 4096));
                case 1 -> host(entropy, guest.device, connections, listener);
                default -> {
                    send(entropy, guest);
                    sent++;
                }
            }
            guest.device.processQueue(VsockLayout.TX_QUEUE);
            assertEquals(sent & 0xFFFF, guest.tx.usedIdx(), "every tx chain is completed");
            for (final Packet packet : guest.received()) {
                checkWellFormed(packet);
            }
            assertTrue(guest.device.connectionCount() <= MAX_CONNECTIONS);
            assertFalse(guest.interrupt.needsReset());
        }
        return guest.device.metrics();
    }

    private static void send(final Entropy entropy, final VsockGuest guest) {
        final int payload = entropy.nextInt(4) == 0 ? 0 : entropy.nextInt(1500);
        VsockHeader header = new VsockHeader(CID, VsockLayout.HOST_CID, entropy.nextInt(6), entropy.nextInt(4),
                payload, VsockLayout.TYPE_STREAM, 1 + entropy.nextInt(7), entropy.nextInt(4),
                (int) entropy.pick(1 << 20, 1 << 20, 0, 1, 100, -1),
                (int) entropy.pick(0, 0, 0, 1, 100, -1, entropy.nextLong()));
        for (int mutations = entropy.nextInt(3); mutations > 0; mutations--) {
            header = mutate(entropy, header, payload);
        }
        final int total = VsockLayout.HEADER_SIZE + payload;
        final long address = guest.txSpace(total);
        header.write(guest.memory, address);
        final int first = entropy.nextInt(total + 1);
        final int second = first + entropy.nextInt(total - first + 1);
        guest.queueTxChain(split(address, first, second, total));
    }

    private static VsockHeader mutate(final Entropy entropy, final VsockHeader header, final int payload) {
        return switch (entropy.nextInt(6)) {
            case 0 -> header.withCids(entropy.pick(CID + 1, 2, CID | 1L << 32, entropy.nextLong()), header.dstCid());
            case 1 -> header.withCids(header.srcCid(), entropy.pick(CID, 0xFFFF_FFFFL, entropy.nextLong()));
            case 2 -> header.withLen((int) entropy.pick(payload + 1, 0, VsockLayout.MAX_PAYLOAD + 1, -1,
                    entropy.nextLong()));
            case 3 -> header.withType((int) entropy.pick(0, 2, entropy.nextInt(0x10000)));
            case 4 -> header.withOp((int) entropy.pick(0, 8, entropy.nextInt(0x10000)));
            default -> header.withFlags((int) entropy.nextLong());
        };
    }

    private static Buffer[] split(final long address, final int first, final int second, final int total) {
        final List<Buffer> buffers = new ArrayList<>();
        int start = 0;
        for (final int end : new int[] {first, second, total}) {
            if (end > start) {
                buffers.add(readable(address + start, end - start));
                start = end;
            }
        }
        return buffers.toArray(Buffer[]::new);
    }

    private static void host(final Entropy entropy, final VsockDevice device, final List<VsockConnection> connections,
            final VsockListener listener) {
        if (connections.isEmpty() || entropy.nextInt(4) == 0) {
            if (device.connectionCount() < MAX_CONNECTIONS) {
                connections.add(device.connect(entropy.nextInt(6), listener));
            }
            return;
        }
        final VsockConnection connection = connections.get(entropy.nextInt(connections.size()));
        switch (entropy.nextInt(5)) {
            case 0 -> connection.close();
            case 1 -> connection.abort();
            case 2 -> connection.shutdownOutput();
            default -> connection.write(ByteBuffer.allocate(entropy.nextInt(3000)));
        }
    }

    private static void checkWellFormed(final Packet packet) {
        if (packet.header() == null) {
            return;
        }
        final VsockHeader header = packet.header();
        assertEquals(VsockLayout.HOST_CID, header.srcCid());
        assertEquals(CID, header.dstCid());
        assertEquals(VsockLayout.TYPE_STREAM, header.type());
        assertTrue(header.op() >= VsockLayout.OP_REQUEST && header.op() <= VsockLayout.OP_CREDIT_REQUEST);
        assertEquals(header.len(), packet.payload().length);
        assertTrue(header.len() == 0 || header.op() == VsockLayout.OP_RW, header.toString());
    }
}
