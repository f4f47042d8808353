package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static io.crumblecracker.virtio.vsock.VsockGuest.CID;
import static io.crumblecracker.virtio.vsock.VsockGuest.header;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_REQUEST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RESPONSE;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.virtio.testing.VsockHeader;
import io.crumblecracker.virtio.vsock.VsockConnection.State;
import io.crumblecracker.virtio.vsock.VsockGuest.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VsockHostileTest {

    private static final int HOST_PORT = 22;
    private static final int GUEST_PORT = 3333;
    private static final long PACKET = 0x10_0000;

    private final RecordingListener listener = new RecordingListener();
    private final VsockGuest guest = new VsockGuest(new VsockDevice(CID, (hostPort, guestPort) -> listener, 4, 8192));

    @BeforeEach
    void postBuffers() {
        guest.postRx(32, 4096);
    }

    @Test
    void shouldDropMalformedAndMisaddressedHeadersUnanswered() {
        final VsockHeader rw = header(GUEST_PORT, HOST_PORT, OP_RW);
        rw.withLen(10).write(guest.memory, PACKET);
        guest.tx.addChain(readable(PACKET, VsockLayout.HEADER_SIZE - 1));
        guest.tx.addChain(readable(PACKET, VsockLayout.HEADER_SIZE), readable(PACKET + 0x100, 9));
        send(rw.withLen(VsockLayout.MAX_PAYLOAD + 1), VsockLayout.MAX_PAYLOAD + 1);
        send(rw.withLen(-1), 16);
        send(rw.withCids(CID + 1, 2), 0);
        send(rw.withCids(CID | 1L << 32, 2), 0);
        send(rw.withCids(CID, CID), 0);
        send(rw.withCids(CID, 0xFFFF_FFFFL), 0);

        guest.device.processQueue(VsockLayout.TX_QUEUE);

        assertEquals(8, guest.tx.usedIdx());
        assertEquals(List.of(), guest.received());
        assertEquals(8, guest.device.metrics().dropped());
        assertEquals(0, guest.device.metrics().packetsFromGuest());
    }

    @Test
    void shouldUseOnlyLenBytesOfALongerPayloadBuffer() {
        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");
        guest.received();
        header(GUEST_PORT, HOST_PORT, OP_RW).withLen(3).write(guest.memory, PACKET);
        guest.memory.write(PACKET + 0x100, "abcdefgh".getBytes(StandardCharsets.US_ASCII));

        guest.tx.addChain(readable(PACKET, 7), readable(PACKET + 7, 30), readable(PACKET + 37, 7),
                readable(PACKET + 0x100, 8), writable(PACKET + 0x200, 8));
        guest.device.processQueue(VsockLayout.TX_QUEUE);

        assertEquals("abc", listener.read());
        assertEquals(0, guest.tx.used(1).length());
    }

    @Test
    void shouldAnswerUnknownTypesAndOpsWithReset() {
        final VsockHeader request = header(GUEST_PORT, HOST_PORT, OP_REQUEST);
        guest.send(request.withOp(0), "");
        guest.send(request.withOp(8), "");
        guest.send(request.withOp(0xFFFF), "");
        guest.send(request.withType(VsockLayout.TYPE_SEQPACKET), "");
        guest.send(request.withType(0), "");
        guest.send(request.withType(7).withOp(OP_RST), "");

        final List<Packet> packets = guest.received();
        assertEquals(5, packets.size());
        for (final Packet packet : packets) {
            assertEquals(new VsockHeader(2, CID, HOST_PORT, GUEST_PORT, 0, 1, OP_RST, 0, 0, 0), packet.header());
        }
        assertEquals(List.of(), listener.events, "nothing reached the backend");
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void shouldResetAnEstablishedFlowOnAnUnknownOp() {
        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");
        assertEquals(OP_RESPONSE, guest.received().getFirst().header().op());

        guest.send(header(GUEST_PORT, HOST_PORT, 42), "");

        assertEquals(OP_RST, guest.received().getFirst().header().op());
        assertEquals(List.of("connected", "closed"), listener.events);
        assertEquals(State.CLOSED, listener.connection.state());
    }

    @Test
    void shouldSendTransportResetWhenTheDriverHasAnEventBuffer() {
        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");

        guest.device.transportReset();
        assertEquals(List.of("connected", "closed"), listener.events);
        assertEquals(0, guest.device.connectionCount());
        assertEquals(0, guest.event.usedIdx(), "no event buffer yet");

        guest.event.addChain(writable(0x50_0000, 2));
        guest.event.addChain(writable(0x50_1000, 8));
        guest.device.processQueue(VsockLayout.EVENT_QUEUE);

        assertEquals(2, guest.event.usedIdx());
        assertEquals(0, guest.event.used(0).length(), "too small for an event");
        assertEquals(VsockLayout.EVENT_SIZE, guest.event.used(1).length());
        assertEquals(VsockLayout.EVENT_TRANSPORT_RESET, guest.memory.readU32(0x50_1000));
        assertEquals(List.of(VsockLayout.EVENT_QUEUE), guest.interrupt.usedQueues().stream()
                .filter(q -> q == VsockLayout.EVENT_QUEUE).toList());

        guest.event.addChain(writable(0x50_2000, 8));
        guest.device.processQueue(VsockLayout.EVENT_QUEUE);
        assertEquals(2, guest.event.usedIdx(), "event buffers stay with the device until an event is owed");
    }

    @Test
    void shouldDropEveryConnectionOnDeviceReset() {
        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");
        final RecordingListener host = new RecordingListener();
        guest.device.connect(1, host);

        guest.device.reset();
        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "ignored");

        assertEquals(List.of("connected", "closed"), listener.events);
        assertEquals(List.of("closed"), host.events);
        assertEquals(0, guest.device.connectionCount());
        assertFalse(guest.interrupt.needsReset());
    }

    @Test
    void shouldAskForResetWhenTheTxRingBreaks() {
        guest.queueTx(header(GUEST_PORT, HOST_PORT, OP_REQUEST), new byte[0]);
        guest.tx.setAvailIdx(1000);

        guest.device.processQueue(VsockLayout.TX_QUEUE);

        assertTrue(guest.interrupt.needsReset());
        assertEquals(List.of(), listener.events);
    }

    private void send(final VsockHeader header, final int readablePayload) {
        final long address = PACKET + 0x1000 + 0x100L * guest.tx.availIdx();
        header.write(guest.memory, address);
        guest.tx.addChain(readable(address, VsockLayout.HEADER_SIZE + readablePayload));
    }
}
