package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.vsock.VsockGuest.CID;
import static io.crumblecracker.virtio.vsock.VsockGuest.header;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_CREDIT_REQUEST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_REQUEST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RESPONSE;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RST;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_RW;
import static io.crumblecracker.virtio.vsock.VsockLayout.OP_SHUTDOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.testing.VsockHeader;
import io.crumblecracker.virtio.vsock.VsockConnection.State;
import io.crumblecracker.virtio.vsock.VsockGuest.Packet;
import java.util.List;
import org.junit.jupiter.api.Test;

class VsockDeviceTest {

    private static final int HOST_PORT = 1234;
    private static final int GUEST_PORT = 5000;

    private final RecordingListener listener = new RecordingListener();
    private final VsockGuest guest = new VsockGuest(new VsockDevice(CID,
            (hostPort, guestPort) -> hostPort == HOST_PORT ? listener : null, 4, 4096));

    @Test
    void shouldDescribeItself() {
        final VsockDevice device = guest.device;
        assertEquals(DeviceType.VSOCK, device.type());
        assertEquals(19, device.type().id());
        assertEquals(FeatureBits.COMMON, device.deviceFeatures());
        assertEquals(3, device.queueCount());
        assertEquals(CID, device.readConfig(VsockLayout.CONFIG_GUEST_CID, 8));
        assertEquals(CID, device.readConfig(VsockLayout.CONFIG_GUEST_CID, 4));
        assertEquals(0, device.readConfig(4, 4));
        for (final long reserved : new long[] {0, 1, 2, 0xFFFF_FFFFL, 1L << 32, -1}) {
            assertThrows(IllegalArgumentException.class, () -> new VsockDevice(reserved, VsockBackend.refusing()));
        }
        assertThrows(IllegalArgumentException.class, () -> new VsockDevice(3, VsockBackend.refusing(), 0, 4096));
        assertThrows(IllegalArgumentException.class, () -> new VsockDevice(3, VsockBackend.refusing(), 1, 100));
    }

    @Test
    void shouldAcceptAGuestConnectionAndCarryDataBothWays() {
        guest.postRx(8, 4096 + 44);

        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");
        final Packet response = guest.received().getFirst();
        assertEquals(new VsockHeader(2, CID, HOST_PORT, GUEST_PORT, 0, 1, OP_RESPONSE, 0, 4096, 0), response.header());
        assertEquals(List.of("connected"), listener.events);

        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "ping");
        assertEquals("ping", listener.read());
        assertEquals(4, listener.write("pong"));

        final Packet data = guest.received().getFirst();
        assertEquals(OP_RW, data.header().op());
        assertEquals(4, data.header().len());
        assertEquals("pong", data.text());
        assertEquals(4, data.header().fwdCnt(), "the host's consumption travels with every packet");
        assertEquals(List.of("connected", "readable"), listener.events);
        assertEquals(1, guest.device.metrics().connections());
    }

    @Test
    void shouldEndCleanlyWhenTheGuestShutsDownBothWays() {
        guest.postRx(8, 4096);
        connectFromGuest();
        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "last words");

        guest.send(header(GUEST_PORT, HOST_PORT, OP_SHUTDOWN).withFlags(VsockLayout.SHUTDOWN_BOTH), "");

        final Packet reset = guest.received().getFirst();
        assertEquals(OP_RST, reset.header().op());
        assertEquals(List.of("connected", "readable", "shutdown 3", "closed"), listener.events);
        assertEquals(State.CLOSED, listener.connection.state());
        assertEquals("last words", listener.read(), "data sent before the end stays readable");
        assertEquals("EOF", listener.read());
        assertEquals(-1, listener.write("too late"));
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void shouldRefuseConnectionsToPortsNobodyListensOn() {
        guest.postRx(2, 4096);

        guest.send(header(GUEST_PORT, 999, OP_REQUEST), "");

        assertEquals(new VsockHeader(2, CID, 999, GUEST_PORT, 0, 1, OP_RST, 0, 0, 0),
                guest.received().getFirst().header());
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void shouldResetPacketsForUnknownFlowsButNeverAReset() {
        guest.postRx(4, 4096);

        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "orphan");
        guest.send(header(GUEST_PORT, HOST_PORT, OP_CREDIT_REQUEST), "");
        guest.send(header(GUEST_PORT, HOST_PORT, OP_RST), "");

        final List<Packet> packets = guest.received();
        assertEquals(2, packets.size());
        assertTrue(packets.stream().allMatch(p -> p.header().op() == OP_RST && p.header().dstPort() == GUEST_PORT));
        assertEquals(List.of(), listener.events);
    }

    @Test
    void shouldConnectFromTheHostToAGuestPort() {
        guest.postRx(4, 4096);
        final RecordingListener host = new RecordingListener();

        final VsockConnection connection = guest.device.connect(7000, host);
        host.connection = connection;
        host.write("early");

        final Packet request = guest.received().getFirst();
        assertEquals(OP_REQUEST, request.header().op());
        assertEquals(VsockDevice.FIRST_EPHEMERAL_PORT, request.header().srcPort());
        assertEquals(7000, request.header().dstPort());
        assertEquals(State.CONNECTING, connection.state());

        guest.send(header(7000, connection.hostPort(), OP_RESPONSE), "");

        assertEquals(State.ESTABLISHED, connection.state());
        assertEquals(List.of("connected"), host.events);
        assertEquals("early", guest.received().getFirst().text(), "data written while connecting follows");
        assertEquals(VsockDevice.FIRST_EPHEMERAL_PORT + 1, guest.device.connect(7000, host).hostPort());
    }

    @Test
    void shouldTellTheHostWhenTheGuestRefusesItsConnection() {
        guest.postRx(4, 4096);
        final RecordingListener host = new RecordingListener();
        final VsockConnection connection = guest.device.connect(7001, host);

        guest.send(header(7001, connection.hostPort(), OP_RST), "");

        assertEquals(List.of("closed"), host.events);
        assertEquals(State.CLOSED, connection.state());
        assertEquals(0, guest.device.connectionCount());
        assertEquals(1, guest.received().size(), "only the REQUEST");
    }

    @Test
    void shouldCloseFromTheHostAfterTheQueuedData() {
        guest.postRx(8, 4096);
        connectFromGuest();
        listener.write("bye");

        listener.connection.close();

        final List<Packet> packets = guest.received();
        assertEquals(List.of(OP_RW, OP_SHUTDOWN), packets.stream().map(p -> p.header().op()).toList());
        assertEquals(VsockLayout.SHUTDOWN_BOTH, packets.get(1).header().flags());
        assertEquals(State.CLOSING, listener.connection.state());
        assertEquals(-1, listener.write("more"));

        guest.send(header(GUEST_PORT, HOST_PORT, OP_RST), "");

        assertEquals(State.CLOSED, listener.connection.state());
        assertEquals(List.of("connected", "closed"), listener.events);
        assertEquals(List.of(), guest.received(), "a reset is never answered");
    }

    @Test
    void shouldHalfCloseEachDirection() {
        guest.postRx(8, 4096);
        connectFromGuest();

        guest.send(header(GUEST_PORT, HOST_PORT, OP_RW), "request");
        guest.send(header(GUEST_PORT, HOST_PORT, OP_SHUTDOWN).withFlags(VsockLayout.SHUTDOWN_SEND), "");
        assertEquals("request", listener.read());
        assertEquals("EOF", listener.read());

        listener.write("reply");
        listener.connection.shutdownOutput();

        final List<Packet> packets = guest.received();
        assertEquals(List.of(OP_RW, OP_SHUTDOWN), packets.stream().map(p -> p.header().op()).toList());
        assertEquals(VsockLayout.SHUTDOWN_SEND, packets.get(1).header().flags());
        assertEquals(State.ESTABLISHED, listener.connection.state());
        assertEquals(List.of("connected", "readable", "shutdown 2"), listener.events);
    }

    @Test
    void shouldAbortWithAReset() {
        guest.postRx(4, 4096);
        connectFromGuest();
        listener.write("discarded");
        guest.received();

        listener.connection.abort();

        assertEquals(OP_RST, guest.received().getFirst().header().op());
        assertEquals(List.of("connected", "closed"), listener.events);
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void shouldResetAConnectionOnProtocolErrors() {
        guest.postRx(8, 4096);
        connectFromGuest();
        guest.send(header(GUEST_PORT, HOST_PORT, OP_RESPONSE), "");
        assertEquals(OP_RST, guest.received().getFirst().header().op());
        assertEquals(List.of("connected", "closed"), listener.events);

        connectFromGuest();
        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");
        assertEquals(OP_RST, guest.received().getFirst().header().op(), "a duplicate request resets the flow");
        assertEquals(0, guest.device.connectionCount());
    }

    @Test
    void shouldLimitConnections() {
        guest.postRx(16, 4096);
        for (int port = 1; port <= 4; port++) {
            guest.send(header(port, HOST_PORT, OP_REQUEST), "");
        }
        guest.send(header(5, HOST_PORT, OP_REQUEST), "");

        final List<Packet> packets = guest.received();
        assertEquals(List.of(OP_RESPONSE, OP_RESPONSE, OP_RESPONSE, OP_RESPONSE, OP_RST),
                packets.stream().map(p -> p.header().op()).toList());
        assertThrows(IllegalStateException.class, () -> guest.device.connect(9, new RecordingListener()));
    }

    private void connectFromGuest() {
        listener.events.clear();
        guest.send(header(GUEST_PORT, HOST_PORT, OP_REQUEST), "");
        assertEquals(OP_RESPONSE, guest.received().getFirst().header().op());
    }
}
