package io.crumblecracker.virtio.net;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.LoopbackNetBackend;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetDeviceTest {

    private static final byte[] MAC = {0x02, 0x00, 0x00, 0x12, 0x34, 0x56};
    private static final long HEADER = 0x10000;
    private static final long DATA = 0x20000;
    private static final long RX_DATA = 0x60000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver rx = new FakeDriver(memory, 16, 0x1000);
    private final FakeDriver tx = new FakeDriver(memory, 16, 0x3000);
    private final RecordingInterruptLine interrupt = new RecordingInterruptLine();
    private final LoopbackNetBackend backend = new LoopbackNetBackend();
    private NetDevice device;

    @BeforeEach
    void activate() throws RingViolation {
        device = new NetDevice(backend, MAC, 1500, 8192);
        activate(device, device.deviceFeatures());
    }

    @Test
    void shouldDescribeItself() {
        assertEquals(DeviceType.NET, device.type());
        assertEquals(1, device.type().id());
        final long features = device.deviceFeatures();
        assertTrue(FeatureBits.has(features, FeatureBits.COMMON | NetLayout.F_MAC | NetLayout.F_MTU
                | NetLayout.F_STATUS));
        assertEquals(0, features & (NetLayout.F_MRG_RXBUF | NetLayout.F_CSUM | NetLayout.F_GUEST_CSUM));
        assertEquals(0x1200_0002L, device.readConfig(NetLayout.CONFIG_MAC, 4));
        assertEquals(0x56, device.readConfig(NetLayout.CONFIG_MAC + 5, 1));
        assertEquals(NetLayout.S_LINK_UP, device.readConfig(NetLayout.CONFIG_STATUS, 2));
        assertEquals(1, device.readConfig(NetLayout.CONFIG_MAX_VIRTQUEUE_PAIRS, 2));
        assertEquals(1500, device.readConfig(NetLayout.CONFIG_MTU, 2));
        assertArrayEquals(MAC, device.mac());
    }

    @Test
    void shouldRejectBadConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> new NetDevice(backend, new byte[5]));
        assertThrows(IllegalArgumentException.class, () -> new NetDevice(backend, new byte[] {1, 0, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new NetDevice(backend, MAC, 67, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new NetDevice(backend, MAC, NetLayout.MAX_MTU + 1, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new NetDevice(backend, MAC, 1500, 1521));
        assertEquals(65535 - 3, new NetDevice(backend, MAC, NetLayout.MAX_MTU, 1 << 20).mtu());
    }

    @Test
    void shouldStripTheHeaderAndSendTheFrame() {
        final byte[] frame = frame(100, 1);
        memory.fill(HEADER, NetLayout.HEADER_SIZE, (byte) 0);
        memory.write(DATA, frame, 0, 40);
        memory.write(DATA + 0x1000, frame, 40, 60);

        final int head = tx.addChain(readable(HEADER, 12), readable(DATA, 40), readable(DATA + 0x1000, 60));
        device.processQueue(NetLayout.TRANSMIT_QUEUE);

        assertEquals(1, backend.sent().size());
        assertArrayEquals(frame, backend.sent().getFirst());
        assertEquals(new FakeDriver.Used(head, 0), tx.used(0));
        assertEquals(List.of(NetLayout.TRANSMIT_QUEUE), interrupt.usedQueues());
        assertEquals(100, device.metrics().txBytes());
    }

    @Test
    void shouldSendTheLargestFrameWithTheHeaderInTheSameBuffer() {
        final byte[] frame = frame(NetLayout.MAX_FRAME_SIZE, 2);
        memory.fill(DATA, NetLayout.HEADER_SIZE, (byte) 0);
        memory.write(DATA + NetLayout.HEADER_SIZE, frame);

        tx.addChain(readable(DATA, NetLayout.MAX_PACKET_SIZE));
        device.processQueue(NetLayout.TRANSMIT_QUEUE);

        assertArrayEquals(frame, backend.sent().getFirst());
    }

    @Test
    void shouldDropMalformedTransmitChains() {
        memory.fill(HEADER, 64, (byte) 0);
        memory.writeU8(HEADER + 0x20, NetLayout.HDR_F_NEEDS_CSUM);
        memory.writeU8(HEADER + 0x31, 1);

        tx.addChain(readable(HEADER, 12 + 13));
        tx.addChain(readable(HEADER, 12), readable(DATA, NetLayout.MAX_FRAME_SIZE + 1));
        tx.addChain(readable(HEADER + 0x20, 12), readable(DATA, 60));
        tx.addChain(readable(HEADER + 0x30, 12), readable(DATA, 60));
        tx.addChain(writable(HEADER, 80));
        device.processQueue(NetLayout.TRANSMIT_QUEUE);

        assertEquals(List.of(), backend.sent());
        assertEquals(5, tx.usedIdx());
        assertEquals(5, device.metrics().guestErrors());
    }

    @Test
    void shouldDeliverAReceivedFrameBehindAHeader() {
        memory.fill(RX_DATA, 64, (byte) 0xEE);
        final int head = rx.addChain(writable(RX_DATA, 10), writable(RX_DATA + 0x1000, 2000));
        final byte[] frame = frame(60, 3);

        assertTrue(device.receive(ByteBuffer.wrap(frame)));

        assertEquals(new FakeDriver.Used(head, 72), rx.used(0));
        for (int i = 0; i < 10; i++) {
            assertEquals(0, memory.readU8(RX_DATA + i), "flags, gso and checksum fields are zero");
        }
        assertEquals(1, memory.readU16(RX_DATA + 0x1000), "num_buffers");
        assertArrayEquals(frame, read(RX_DATA + 0x1002, 60));
        assertEquals(List.of(NetLayout.RECEIVE_QUEUE), interrupt.usedQueues());
        assertEquals(0, device.pendingReceive());
    }

    @Test
    void shouldBacklogFramesUntilTheGuestSuppliesBuffers() {
        assertTrue(device.receive(ByteBuffer.wrap(frame(100, 4))));
        assertTrue(device.receive(ByteBuffer.wrap(frame(200, 5))));
        assertEquals(308, device.pendingReceive());

        rx.addChain(writable(RX_DATA, 1526));
        rx.addChain(writable(RX_DATA + 0x1000, 1526));
        rx.addChain(writable(RX_DATA + 0x2000, 1526));
        device.processQueue(NetLayout.RECEIVE_QUEUE);

        assertEquals(2, rx.usedIdx(), "the third buffer stays with the device");
        assertEquals(112, rx.used(0).length());
        assertEquals(212, rx.used(1).length());
        assertArrayEquals(frame(200, 5), read(RX_DATA + 0x1000 + 12, 200));
        assertEquals(2, device.metrics().rxFrames());
    }

    @Test
    void shouldRefuseFramesOutsideTheLimits() {
        assertFalse(device.receive(ByteBuffer.wrap(new byte[13])));
        assertFalse(device.receive(ByteBuffer.wrap(new byte[1500 + 18 + 1])));
        assertTrue(device.receive(ByteBuffer.wrap(new byte[1500 + 18])));
        device.reset();
        assertFalse(device.receive(ByteBuffer.wrap(new byte[60])), "not active");
        assertEquals(3, device.metrics().rxRefused());
    }

    @Test
    void shouldRefuseWhenTheBacklogIsFullThenSignalSpace() {
        int accepted = 0;
        while (device.receive(ByteBuffer.wrap(frame(1000, accepted)))) {
            accepted++;
        }
        assertEquals(8, accepted, "8 frames of 1004 bytes fit 8192");
        assertEquals(0, backend.spaceSignals());

        rx.addChain(writable(RX_DATA, 1526));
        device.processQueue(NetLayout.RECEIVE_QUEUE);

        assertEquals(1, backend.spaceSignals());
        assertTrue(device.receive(ByteBuffer.wrap(frame(1000, 99))));
        assertArrayEquals(frame(1000, 0), read(RX_DATA + 12, 1000));
    }

    @Test
    void shouldDropFramesTooLargeForTheBufferAndTryTheNext() {
        device.receive(ByteBuffer.wrap(frame(1500, 6)));
        device.receive(ByteBuffer.wrap(frame(60, 7)));
        device.receive(ByteBuffer.wrap(frame(1500, 8)));

        rx.addChain(writable(RX_DATA, 100));
        rx.addChain(writable(RX_DATA + 0x1000, 100));
        device.processQueue(NetLayout.RECEIVE_QUEUE);

        assertEquals(72, rx.used(0).length());
        assertArrayEquals(frame(60, 7), read(RX_DATA + 12, 60));
        assertEquals(0, rx.used(1).length(), "nothing fitted: returned empty");
        assertEquals(2, device.metrics().rxDropped());
        assertEquals(0, device.pendingReceive());
    }

    @Test
    void shouldEchoThroughTheLoopback() {
        backend.connect(device);
        rx.addChain(writable(RX_DATA, 1526));
        final byte[] frame = frame(64, 9);
        memory.fill(HEADER, 12, (byte) 0);
        memory.write(DATA, frame);

        tx.addChain(readable(HEADER, 12), readable(DATA, 64));
        device.processQueue(NetLayout.TRANSMIT_QUEUE);

        assertEquals(List.of(true), backend.echoed());
        assertEquals(76, rx.used(0).length());
        assertArrayEquals(frame, read(RX_DATA + 12, 64));
        assertEquals(List.of(NetLayout.RECEIVE_QUEUE, NetLayout.TRANSMIT_QUEUE), interrupt.usedQueues());
    }

    @Test
    void shouldReportLinkChanges() throws RingViolation {
        device.setLinkUp(false);
        assertEquals(0, device.readConfig(NetLayout.CONFIG_STATUS, 2));
        assertFalse(device.isLinkUp());
        assertEquals(1, interrupt.configChanges());

        device.reset();
        activate(device, FeatureBits.COMMON);
        device.setLinkUp(true);
        assertEquals(NetLayout.S_LINK_UP, device.readConfig(NetLayout.CONFIG_STATUS, 2));
        assertEquals(1, interrupt.configChanges(), "STATUS not negotiated");
    }

    @Test
    void shouldReturnAReadableReceiveChainEmptyAndKeepTheFrame() {
        rx.addChain(readable(RX_DATA, 12), writable(RX_DATA + 0x100, 1526));
        rx.addChain(writable(RX_DATA + 0x1000, 1526));

        device.receive(ByteBuffer.wrap(frame(60, 10)));

        assertEquals(0, rx.used(0).length());
        assertEquals(72, rx.used(1).length());
        assertEquals(1, device.metrics().guestErrors());
    }

    @Test
    void shouldAskForResetWhenTheReceiveRingBreaks() {
        rx.addChain(writable(RX_DATA, 1526));
        rx.setAvailIdx(300);

        device.receive(ByteBuffer.wrap(frame(60, 11)));

        assertTrue(interrupt.needsReset());
    }

    private void activate(final NetDevice target, final long features) throws RingViolation {
        final SplitQueue receive = new SplitQueue(NetDevice.QUEUE_SIZE);
        rx.configure(receive);
        receive.activate(memory, true, false);
        final SplitQueue transmit = new SplitQueue(NetDevice.QUEUE_SIZE);
        tx.configure(transmit);
        transmit.activate(memory, true, false);
        target.activate(features, memory, List.of(receive, transmit), interrupt);
    }

    private byte[] read(final long address, final int length) {
        final byte[] out = new byte[length];
        memory.read(address, out, 0, length);
        return out;
    }

    private static byte[] frame(final int length, final int seed) {
        final byte[] frame = new byte[length];
        for (int i = 0; i < length; i++) {
            frame[i] = (byte) (seed * 31 + i);
        }
        return frame;
    }
}
