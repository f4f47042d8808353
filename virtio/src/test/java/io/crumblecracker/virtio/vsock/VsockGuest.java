package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import io.crumblecracker.virtio.testing.VsockHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest side of a socket device, for tests: three fake queues, packets sent on tx (header and payload in
 * separate descriptors), receive buffers posted on rx and event, and the packets the device put into them.
 */
final class VsockGuest {

    static final long CID = 3;
    static final int QUEUE = 64;

    private static final long TX_AREA = 0x10_0000;
    private static final long TX_END = 0x30_0000;
    private static final long RX_AREA = 0x40_0000;
    private static final long RX_END = 0x80_0000;

    /** One packet the device put into a receive buffer. */
    record Packet(VsockHeader header, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.US_ASCII);
        }
    }

    /** Bytes of guest memory a guest needs. */
    static final long MEMORY_SIZE = 8 << 20;

    final GuestMemory memory;
    final FakeDriver rx;
    final FakeDriver tx;
    final FakeDriver event;
    final RecordingInterruptLine interrupt = new RecordingInterruptLine();
    final VsockDevice device;
    private final Map<Integer, Long> rxAddresses = new HashMap<>();
    private long nextTx = TX_AREA;
    private long nextRx = RX_AREA;
    private int rxSeen;

    VsockGuest(final VsockDevice device) {
        this(device, FakeDriver.newMemory(MEMORY_SIZE));
    }

    /** A guest in {@code guestMemory} ({@link #MEMORY_SIZE} bytes, zeroed). */
    VsockGuest(final VsockDevice device, final GuestMemory guestMemory) {
        this.device = device;
        this.memory = guestMemory;
        this.rx = new FakeDriver(memory, QUEUE, 0x1000);
        this.tx = new FakeDriver(memory, QUEUE, 0x3000);
        this.event = new FakeDriver(memory, QUEUE, 0x5000);
        try {
            device.activate(device.deviceFeatures(), memory,
                    List.of(queue(rx), queue(tx), queue(event)), interrupt);
        } catch (final RingViolation e) {
            throw new AssertionError(e);
        }
    }

    /** A header from the guest to {@code hostPort}, with a generous credit. */
    static VsockHeader header(final int guestPort, final int hostPort, final int op) {
        return VsockHeader.fromGuest(CID, guestPort, hostPort, op).withCredit(1 << 20, 0);
    }

    /** Sends {@code header} (its {@code len} set to the payload's) and {@code payload}, then processes tx. */
    void send(final VsockHeader header, final String payload) {
        final byte[] bytes = payload.getBytes(StandardCharsets.US_ASCII);
        queueTx(header.withLen(bytes.length), bytes);
        device.processQueue(VsockLayout.TX_QUEUE);
    }

    /** Sends {@code header} as it is, with {@code payload} as its readable data, then processes tx. */
    void sendRaw(final VsockHeader header, final byte[] payload) {
        queueTx(header, payload);
        device.processQueue(VsockLayout.TX_QUEUE);
    }

    /** Publishes a tx chain of {@code header} and {@code payload} without processing it. */
    void queueTx(final VsockHeader header, final byte[] payload) {
        final long address = txSpace(VsockHeader.SIZE + payload.length);
        header.write(memory, address);
        memory.write(address + VsockHeader.SIZE, payload);
        if (payload.length == 0) {
            tx.addChain(readable(address, VsockHeader.SIZE));
        } else {
            tx.addChain(readable(address, VsockHeader.SIZE), readable(address + VsockHeader.SIZE, payload.length));
        }
    }

    /** Posts {@code count} receive buffers of {@code size} bytes each, then processes rx. */
    void postRx(final int count, final int size) {
        for (int i = 0; i < count; i++) {
            if (nextRx + size > RX_END) {
                nextRx = RX_AREA;
            }
            rxAddresses.put(rx.addChain(writable(nextRx, size)), nextRx);
            nextRx += (size + 15) & ~15;
        }
        device.processQueue(VsockLayout.RX_QUEUE);
    }

    /** Receive buffers posted and not yet used. */
    int outstandingRx() {
        return (rx.availIdx() - rx.usedIdx()) & 0xFFFF;
    }

    /** Publishes a tx chain of {@code buffers} without processing it. */
    void queueTxChain(final FakeDriver.Buffer... buffers) {
        tx.addChain(buffers);
    }

    /** Free space for {@code length} bytes of tx data. */
    long txSpace(final int length) {
        if (nextTx + length > TX_END) {
            nextTx = TX_AREA;
        }
        final long address = nextTx;
        nextTx += (length + 15) & ~15;
        return address;
    }

    /** The packets the device completed on rx since the last call. */
    List<Packet> received() {
        final List<Packet> packets = new ArrayList<>();
        for (; rxSeen != rx.usedIdx(); rxSeen = (rxSeen + 1) & 0xFFFF) {
            final FakeDriver.Used used = rx.used(rxSeen);
            final long address = rxAddresses.get(used.id());
            if (used.length() == 0) {
                packets.add(new Packet(null, new byte[0]));
                continue;
            }
            final VsockHeader header = VsockHeader.read(memory, address);
            final byte[] payload = new byte[used.length() - VsockHeader.SIZE];
            memory.read(address + VsockHeader.SIZE, payload, 0, payload.length);
            packets.add(new Packet(header, payload));
        }
        return packets;
    }

    private SplitQueue queue(final FakeDriver driver) throws RingViolation {
        return driver.activatedQueue(VsockDevice.QUEUE_SIZE, true, false);
    }
}
