package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static io.crumblecracker.virtio.vsock.VsockGuest.CID;
import static io.crumblecracker.virtio.vsock.VsockGuest.header;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_CREDIT_REQUEST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_CREDIT_UPDATE;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_REQUEST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RESPONSE;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.virtio.vsock.VsockGuest.Packet;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class VsockFlowControlTest {

    private static final int HOST_PORT = 80;
    private static final int GUEST_PORT = 4000;
    private static final int BUFFER = 4096;

    private final RecordingListener listener = new RecordingListener();
    private final VsockGuest guest = new VsockGuest(new VsockDevice(CID, (hostPort, guestPort) -> listener, 8, BUFFER));

    @Test
    void shouldNeverSendMoreThanTheGuestCredit() {
        guest.postRx(16, 4096);
        connect(100, 0);

        assertEquals(250, listener.write("x".repeat(250)));
        assertEquals(100, payloadBytes(guest.received()));

        guest.send(header(GUEST_PORT, HOST_PORT, OP_CREDIT_UPDATE).withCredit(100, 60), "");
        assertEquals(60, payloadBytes(guest.received()));

        guest.send(header(GUEST_PORT, HOST_PORT, OP_CREDIT_UPDATE).withCredit(1000, 160), "");
        assertEquals(90, payloadBytes(guest.received()));
        assertEquals(250, guest.device.metrics().bytesToGuest());
    }

    @Test
    void shouldGiveNoCreditToAGuestWhoseCounterRunsAhead() {
        guest.postRx(4, 4096);
        connect(100, 1000);

        listener.write("nothing leaves");

        assertEquals(List.of(), guest.received());
    }

    @Test
    void shouldCutDataToTheReceiveBufferAndTheLargestPayload() {
        connect(1 << 20, 0);
        guest.postRx(3, VsockLayout.HEADER_SIZE + 10);

        listener.write("abcdefghijklmnopqrstuvwxy");

        final List<Packet> packets = guest.received();
        assertEquals(List.of("abcdefghij", "klmnopqrst", "uvwxy"), packets.stream().map(Packet::text).toList());

        final RecordingListener big = new RecordingListener();
        final VsockGuest wide = new VsockGuest(new VsockDevice(CID, (h, g) -> big, 1, 256 * 1024));
        wide.postRx(1, 4096);
        wide.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");
        wide.received();
        wide.postRx(2, 100_000);
        big.connection.write(ByteBuffer.allocate(100_000));
        assertEquals(List.of(VsockLayout.MAX_PAYLOAD, 100_000 - VsockLayout.MAX_PAYLOAD),
                wide.received().stream().map(p -> p.header().len()).toList());
    }

    @Test
    void shouldPushBackOnHostWritesThenSayWhenThereIsRoom() {
        connect(1 << 20, 0);

        assertEquals(BUFFER, listener.connection.write(ByteBuffer.allocate(BUFFER + 100)));
        assertEquals(0, listener.connection.write(ByteBuffer.allocate(1)));
        assertEquals(0, listener.connection.writable());

        guest.postRx(1, 4096);

        assertEquals(List.of("connected", "writable"), listener.events);
        assertEquals(4096 - VsockLayout.HEADER_SIZE, listener.connection.writable());
    }

    @Test
    void shouldAnswerACreditRequest() {
        guest.postRx(4, 4096);
        connect(1 << 20, 0);
        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "12345");
        listener.read();

        guest.send(header(GUEST_PORT, HOST_PORT, OP_CREDIT_REQUEST), "");

        final Packet update = guest.received().getFirst();
        assertEquals(OP_CREDIT_UPDATE, update.header().op());
        assertEquals(BUFFER, update.header().bufAlloc());
        assertEquals(5, update.header().fwdCnt());
    }

    @Test
    void shouldSendACreditUpdateOnlyWhenTheGuestRunsLow() {
        guest.postRx(4, 4096);
        connect(1 << 20, 0);

        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "y".repeat(100));
        listener.read();
        assertEquals(List.of(), guest.received(), "the guest still sees plenty of room");

        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "z".repeat(2000));
        listener.read();

        final Packet update = guest.received().getFirst();
        assertEquals(OP_CREDIT_UPDATE, update.header().op());
        assertEquals(2100, update.header().fwdCnt());
    }

    @Test
    void shouldResetAGuestThatExceedsTheHostCredit() {
        guest.postRx(4, 4096);
        connect(1 << 20, 0);

        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "a".repeat(BUFFER));
        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "b");

        assertEquals(OP_RST, guest.received().getFirst().header().op());
        assertEquals(List.of("connected", "readable", "closed"), listener.events);
        assertEquals(BUFFER, listener.connection.readable());
        assertEquals(1, guest.device.metrics().guestErrors());
    }

    @Test
    void shouldHoldRepliesUntilTheGuestPostsBuffersWithinABound() {
        for (int port = 0; port < VsockRx.ORPHAN_RESETS + 6; port++) {
            guest.send(header(port, HOST_PORT, OP_RW), "?");
        }
        assertEquals(List.of(), guest.received());

        guest.postRx(VsockGuest.QUEUE, 64);

        assertEquals(VsockRx.ORPHAN_RESETS, guest.received().size());
        assertEquals(6, guest.device.metrics().orphanResetsLost());
    }

    @Test
    void shouldReturnUnusableReceiveBuffersEmpty() {
        guest.rx.addChain(writable(0x40_0000, VsockLayout.HEADER_SIZE - 1));
        guest.rx.addChain(readable(0x40_1000, 64), writable(0x40_2000, 64));
        guest.postRx(1, 64);

        guest.send(header(GUEST_PORT, 9, OP_RW), "");

        assertEquals(3, guest.rx.usedIdx());
        assertEquals(0, guest.rx.used(0).length());
        assertEquals(0, guest.rx.used(1).length());
        assertEquals(VsockLayout.HEADER_SIZE, guest.rx.used(2).length());
        assertEquals(2, guest.device.metrics().guestErrors());
    }

    private void connect(final int guestBufAlloc, final int guestFwdCnt) {
        guest.postRx(1, 4096);
        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST).withCredit(guestBufAlloc, guestFwdCnt), "");
        final List<Packet> packets = guest.received();
        assertTrue(packets.stream().anyMatch(p -> p.header().op() == OP_RESPONSE));
    }

    private static int payloadBytes(final List<Packet> packets) {
        return packets.stream().filter(p -> p.header().op() == OP_RW).mapToInt(p -> p.payload().length).sum();
    }
}
