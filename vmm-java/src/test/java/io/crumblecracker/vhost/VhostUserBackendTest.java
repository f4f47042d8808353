package io.crumblecracker.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.kvm.sys.Libc;
import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.blk.BlkLayout;
import io.crumblecracker.virtio.blk.FileBlkBackend;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.rng.EntropySource;
import io.crumblecracker.virtio.rng.RngDevice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request handling and the refusal of hostile requests, without a socket. */
class VhostUserBackendTest {

    private static final long MIB = 1 << 20;
    private static final long USER = 0x7f00_0000_0000L;

    private final List<Throwable> failures = new ArrayList<>();
    private final VhostUserBackend rng = new VhostUserBackend("rng", new RngDevice(EntropySource.secureRandom()),
            failures::add);

    @AfterEach
    void close() {
        rng.close();
        assertEquals(List.of(), failures);
    }

    @Test
    void shouldOfferProtocolFeaturesAndVersion1() throws Exception {
        final long features = Frames.replyU64(rng.handle(Frames.message(VhostUserRequest.GET_FEATURES)),
                VhostUserRequest.GET_FEATURES);
        assertTrue(FeatureBits.has(features, VhostUserRequest.F_PROTOCOL_FEATURES | FeatureBits.VERSION_1));
        final long protocol = Frames.replyU64(rng.handle(Frames.message(VhostUserRequest.GET_PROTOCOL_FEATURES)),
                VhostUserRequest.GET_PROTOCOL_FEATURES);
        assertEquals(VhostUserRequest.PROTOCOL_F_MQ | VhostUserRequest.PROTOCOL_F_REPLY_ACK, protocol,
                "no CONFIG for a device without configuration space");
        assertEquals(1, Frames.replyU64(rng.handle(Frames.message(VhostUserRequest.GET_QUEUE_NUM)),
                VhostUserRequest.GET_QUEUE_NUM));
    }

    @Test
    void shouldAcknowledgeOnlyWhenAsked() throws Exception {
        assertNull(rng.handle(Frames.message(VhostUserRequest.SET_OWNER)));
        final byte[] ack = rng.handle(Frames.message(VhostUserRequest.SET_OWNER, Frames.V1_NEED_REPLY, new byte[0]));
        assertEquals(0, Frames.replyU64(ack, VhostUserRequest.SET_OWNER));
    }

    @Test
    void shouldRefuseALegacyDriverWithoutVersion1() {
        assertRefused("lack VIRTIO_F_VERSION_1", Frames.message(VhostUserRequest.SET_FEATURES, Frames.V1,
                Frames.u64(0)));
    }

    @Test
    void shouldRefuseFeaturesThatWereNotOffered() {
        assertRefused("include bits not offered", Frames.message(VhostUserRequest.SET_FEATURES, Frames.V1,
                Frames.u64(FeatureBits.RING_PACKED)));
        assertRefused("include bits not offered", Frames.message(VhostUserRequest.SET_PROTOCOL_FEATURES,
                Frames.V1, Frames.u64(VhostUserRequest.PROTOCOL_F_CONFIG)));
    }

    @Test
    void shouldCloseOnAnUnknownRequestUnlessItWantsAReply() throws Exception {
        assertRefused("request(99) is not supported", Frames.message(99));
        assertRefused("SET_LOG_BASE(6) is not supported", Frames.message(VhostUserRequest.SET_LOG_BASE, Frames.V1,
                Frames.u64(0)));
        final byte[] nack = rng.handle(Frames.message(99, Frames.V1_NEED_REPLY, new byte[0]));
        assertEquals(1, Frames.replyU64(nack, 99));
    }

    @Test
    void shouldRefuseRingIndexesSizesAndBasesOutOfRange() {
        assertRefused("ring index=1 but the device has 1 queues", Frames.message(VhostUserRequest.SET_VRING_NUM,
                Frames.V1, Frames.state(1, 256)));
        assertRefused("num=100 is not a power of two", Frames.message(VhostUserRequest.SET_VRING_NUM, Frames.V1,
                Frames.state(0, 100)));
        assertRefused("num=65536 is not a power of two", Frames.message(VhostUserRequest.SET_VRING_NUM, Frames.V1,
                Frames.state(0, 65536)));
        assertRefused("exceeds 0xffff", Frames.message(VhostUserRequest.SET_VRING_BASE, Frames.V1,
                Frames.state(0, 0x10000)));
        assertRefused("neither 0 nor 1", Frames.message(VhostUserRequest.SET_VRING_ENABLE, Frames.V1,
                Frames.state(0, 2)));
        assertRefused("size=4, expected 8", Frames.message(VhostUserRequest.SET_VRING_NUM, Frames.V1, new byte[4]));
    }

    @Test
    void shouldRefuseARingAddressOutsideTheMemoryTable() throws Exception {
        try (SharedMemory ram = new SharedMemory(MIB)) {
            rng.handle(Frames.message(VhostUserRequest.SET_MEM_TABLE, Frames.V1,
                    Frames.memTable(new long[] {0, MIB, USER, 0}), ram.dupFd()));
            assertRefused("is outside the memory table", Frames.message(VhostUserRequest.SET_VRING_ADDR, Frames.V1,
                    Frames.address(0, USER + 2 * MIB, USER, USER + 0x1000)));
            assertRefused("descriptor=0x0 length=1 is outside", Frames.message(VhostUserRequest.SET_VRING_ADDR,
                    Frames.V1, Frames.address(0, 0, USER, USER)));
        }
    }

    @Test
    void shouldRefuseARingWhoseTablePassesTheEndOfMemoryWhenItStarts() throws Exception {
        try (SharedMemory ram = new SharedMemory(MIB)) {
            rng.handle(Frames.message(VhostUserRequest.SET_MEM_TABLE, Frames.V1,
                    Frames.memTable(new long[] {0, MIB, USER, 0}), ram.dupFd()));
            rng.handle(Frames.message(VhostUserRequest.SET_VRING_NUM, Frames.V1, Frames.state(0, 256)));
            rng.handle(Frames.message(VhostUserRequest.SET_VRING_ADDR, Frames.V1,
                    Frames.address(0, USER + MIB - 16, USER, USER + 0x1000)));
            final VhostUserMessage kick = Frames.message(VhostUserRequest.SET_VRING_KICK, Frames.V1, Frames.u64(0),
                    Libc.eventfd(0, Libc.EFD_CLOEXEC));
            assertRefused("ring 0 descriptor", kick);
        }
    }

    @Test
    void shouldRefuseANotifierThatIsNotAnEventfdAndExtraBits() throws Exception {
        try (SharedMemory ram = new SharedMemory(MIB)) {
            final int memfd = ram.dupFd();
            assertRefused("not an eventfd or pipe", Frames.message(VhostUserRequest.SET_VRING_CALL, Frames.V1,
                    Frames.u64(0), memfd));
            assertTrue(!SharedMemory.isOpen(memfd), "refused descriptor leaked");
        }
        assertRefused("bits beyond the index", Frames.message(VhostUserRequest.SET_VRING_CALL, Frames.V1,
                Frames.u64(0x200)));
        assertRefused("fds=0, expected 1", Frames.message(VhostUserRequest.SET_VRING_KICK, Frames.V1,
                Frames.u64(0)));
        assertRefused("fds=1, expected 0", Frames.message(VhostUserRequest.SET_VRING_KICK, Frames.V1,
                Frames.u64(0x100), Libc.eventfd(0, Libc.EFD_CLOEXEC)));
    }

    @Test
    void shouldAnswerConfigReadsOfTheRequestedSize(@TempDir final Path dir) throws Exception {
        final Path disk = Files.write(dir.resolve("disk"), new byte[8192]);
        try (FileBlkBackend backend = FileBlkBackend.open(disk, true)) {
            final VhostUserBackend blk = new VhostUserBackend("blk", new BlkDevice(backend, "s"), failures::add);
            assertRefused(blk, "without VHOST_USER_PROTOCOL_F_CONFIG", Frames.message(VhostUserRequest.GET_CONFIG,
                    Frames.V1, Frames.config(0, 8, 0, new byte[8])));
            blk.handle(Frames.message(VhostUserRequest.SET_PROTOCOL_FEATURES, Frames.V1,
                    Frames.u64(VhostUserRequest.PROTOCOL_F_CONFIG)));
            final byte[] reply = blk.handle(Frames.message(VhostUserRequest.GET_CONFIG, Frames.V1,
                    Frames.config(0, 200, 0, new byte[200])));
            final ByteBuffer b = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(VhostUserRequest.GET_CONFIG, b.getInt(0));
            assertEquals(12 + 200, b.getInt(8));
            assertEquals(16, b.getLong(12 + 12 + BlkLayout.CONFIG_CAPACITY), "capacity in sectors");
            assertRefused(blk, "exceeds 256 bytes", Frames.message(VhostUserRequest.GET_CONFIG, Frames.V1,
                    Frames.config(200, 100, 0, new byte[100])));
            assertRefused(blk, "size=20, expected 16", Frames.message(VhostUserRequest.GET_CONFIG, Frames.V1,
                    Frames.config(0, 4, 0, new byte[8])));
            blk.close();
        }
    }

    private void assertRefused(final String reason, final VhostUserMessage message) {
        assertRefused(rng, reason, message);
    }

    private static void assertRefused(final VhostUserBackend backend, final String reason,
            final VhostUserMessage message) {
        try (message) {
            final VhostUserException e = assertThrows(VhostUserException.class, () -> backend.handle(message));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        }
    }
}
