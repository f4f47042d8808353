package io.crumblecracker.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.kvm.sys.ForeignEventFd;
import io.crumblecracker.kvm.sys.Poll;
import io.crumblecracker.kvm.sys.UnixSocket;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.queue.RingLayout;
import io.crumblecracker.virtio.rng.EntropySource;
import io.crumblecracker.virtio.rng.RngDevice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over a real UNIX socket with a fake front-end: memory and eventfds passed with SCM_RIGHTS,
 * a ring processed from kick to call, and hostile requests ending the session with a reason.
 */
@Timeout(30)
class VhostUserServerTest {

    private static final long MIB = 1 << 20;
    private static final long USER = 0x7f00_0000_0000L;
    private static final int SIZE = 8;

    @TempDir
    Path dir;

    @Test
    void shouldProcessARingFromKickToCall() throws Exception {
        final RngDevice rng = new RngDevice(EntropySource.secureRandom());
        final Path path = dir.resolve("rng.sock");
        try (VhostUserServer server = VhostUserServer.start(path, rng, "test-rng");
             FakeFrontEnd frontEnd = new FakeFrontEnd(path);
             SharedMemory ram = new SharedMemory(MIB);
             EventFd kick = new EventFd();
             EventFd call = new EventFd()) {
            frontEnd.send(VhostUserRequest.GET_FEATURES, Frames.V1, new byte[0]);
            final long offered = Frames.replyU64(frontEnd.reply(), VhostUserRequest.GET_FEATURES);
            frontEnd.send(VhostUserRequest.SET_FEATURES, Frames.V1,
                    Frames.u64(offered & (FeatureBits.VERSION_1 | VhostUserRequest.F_PROTOCOL_FEATURES)));
            frontEnd.send(VhostUserRequest.SET_PROTOCOL_FEATURES, Frames.V1,
                    Frames.u64(VhostUserRequest.PROTOCOL_F_REPLY_ACK));
            assertEquals(0, frontEnd.sendAcked(VhostUserRequest.SET_MEM_TABLE,
                    Frames.memTable(new long[] {0, MIB, USER, 0}), ram.dupFd()));
            frontEnd.send(VhostUserRequest.SET_VRING_NUM, Frames.V1, Frames.state(0, SIZE));
            frontEnd.send(VhostUserRequest.SET_VRING_BASE, Frames.V1, Frames.state(0, 0));
            frontEnd.send(VhostUserRequest.SET_VRING_ADDR, Frames.V1,
                    Frames.address(0, USER + 0x1000, USER + 0x3000, USER + 0x2000));
            frontEnd.send(VhostUserRequest.SET_VRING_CALL, Frames.V1, Frames.u64(0), call.fd());
            frontEnd.send(VhostUserRequest.SET_VRING_KICK, Frames.V1, Frames.u64(0), kick.fd());
            assertEquals(0, frontEnd.sendAcked(VhostUserRequest.SET_VRING_ENABLE, Frames.state(0, 1)));

            postWritableBuffer(ram.segment(), 0x4000, 64);
            kick.signal();
            try (Poll poll = new Poll(call.fd())) {
                assertEquals(1, poll.await(5_000), "no used-buffer notification on the call eventfd");
            }
            final MemorySegment used = ram.segment().asSlice(0x3000);
            assertEquals(1, Short.toUnsignedInt(used.get(ValueLayout.JAVA_SHORT, RingLayout.RING_IDX)));
            assertEquals(0, used.get(ValueLayout.JAVA_INT, RingLayout.usedEntry(0)));
            assertEquals(64, used.get(ValueLayout.JAVA_INT, RingLayout.usedEntry(0) + 4));
            assertTrue(ram.segment().asSlice(0x4000, 64).elements(ValueLayout.JAVA_LONG)
                    .anyMatch(word -> word.get(ValueLayout.JAVA_LONG, 0) != 0), "buffer not filled");

            frontEnd.send(VhostUserRequest.GET_VRING_BASE, Frames.V1, Frames.state(0, 0));
            final ByteBuffer base = ByteBuffer.wrap(frontEnd.reply()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(1, base.getInt(MessageHeader.SIZE + 4), "next available index after one chain");
            frontEnd.close();
            server.done().get(5, TimeUnit.SECONDS);
            assertEquals(64, rng.metrics().bytes());
        }
    }

    @Test
    void shouldCloseTheConnectionAndReportWhyOnAHostileRequest() throws Exception {
        final Path path = dir.resolve("hostile.sock");
        try (VhostUserServer server = VhostUserServer.start(path, new RngDevice(EntropySource.secureRandom()), "t");
             FakeFrontEnd frontEnd = new FakeFrontEnd(path)) {
            frontEnd.send(VhostUserRequest.SET_VRING_NUM, Frames.V1, Frames.state(5, 8));
            assertTrue(frontEnd.isClosedByPeer());
            final CompletionException e = assertThrows(CompletionException.class, () -> server.done().join());
            assertInstanceOf(VhostUserException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("ring index=5"), e.getCause().getMessage());
        }
    }

    @Test
    void shouldAnswerAFailedAcknowledgementBeforeClosing() throws Exception {
        final Path path = dir.resolve("nack.sock");
        try (VhostUserServer server = VhostUserServer.start(path, new RngDevice(EntropySource.secureRandom()), "t");
             FakeFrontEnd frontEnd = new FakeFrontEnd(path)) {
            final byte[] truncatedTable = new byte[8];
            truncatedTable[0] = 1;
            assertEquals(1, frontEnd.sendAcked(VhostUserRequest.SET_MEM_TABLE, truncatedTable));
            assertNull(frontEnd.reply());
            assertTrue(server.done().isCompletedExceptionally() || waitFailed(server));
        }
    }

    @Test
    void shouldStopCleanlyWhenClosedBeforeAFrontEndConnects() throws Exception {
        final Path path = dir.resolve("idle.sock");
        final VhostUserServer server = VhostUserServer.start(path, new RngDevice(EntropySource.secureRandom()), "t");
        assertTrue(Files.exists(path));
        server.close();
        server.done().get(1, TimeUnit.SECONDS);
        assertFalse(Files.exists(path), "socket file left behind");
    }

    @Test
    void shouldPassDescriptorsOverASocketPair() throws Exception {
        final UnixSocket[] pair = UnixSocket.pair();
        try (EventFd original = new EventFd()) {
            pair[0].send(new byte[] {42}, 0, 1, original.fd());
            final UnixSocket.Received received = pair[1].receive(new byte[4], 0, 4);
            assertEquals(1, received.bytes());
            assertEquals(1, received.fds().length);
            try (ForeignEventFd copy = new ForeignEventFd(received.fds()[0])) {
                copy.signal();
                assertEquals(1, original.drain());
            }
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    /** One device-writable descriptor at {@code buffer}, made available in the ring at 0x1000/0x2000. */
    private static void postWritableBuffer(final MemorySegment ram, final long buffer, final int length) {
        final MemorySegment descriptor = ram.asSlice(0x1000, RingLayout.DESCRIPTOR_SIZE);
        descriptor.set(ValueLayout.JAVA_LONG, RingLayout.DESC_ADDR, buffer);
        descriptor.set(ValueLayout.JAVA_INT, RingLayout.DESC_LEN, length);
        descriptor.set(ValueLayout.JAVA_SHORT, RingLayout.DESC_FLAGS, (short) RingLayout.DESC_F_WRITE);
        final MemorySegment avail = ram.asSlice(0x2000);
        avail.set(ValueLayout.JAVA_SHORT, RingLayout.availEntry(0), (short) 0);
        avail.set(ValueLayout.JAVA_SHORT, RingLayout.RING_IDX, (short) 1);
    }

    private static boolean waitFailed(final VhostUserServer server) {
        try {
            server.done().get(5, TimeUnit.SECONDS);
            return false;
        } catch (final Exception e) {
            return true;
        }
    }
}
