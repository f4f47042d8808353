package io.crumblecracker.vhost;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.kvm.sys.Libc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Framing of front-end requests, including every way a hostile front-end can get it wrong. */
class MessageReaderTest {

    @Test
    void shouldReadAMessageDeliveredInPieces() throws Exception {
        final byte[] wire = Frames.wire(VhostUserRequest.SET_FEATURES, Frames.V1, Frames.u64(0x1234));
        final ScriptedChannel channel = new ScriptedChannel()
                .add(Arrays.copyOfRange(wire, 0, 5)).add(Arrays.copyOfRange(wire, 5, 14))
                .add(Arrays.copyOfRange(wire, 14, wire.length));
        try (VhostUserMessage message = new MessageReader(channel).read()) {
            assertEquals(VhostUserRequest.SET_FEATURES, message.request());
            assertEquals(0x1234, message.u64());
        }
    }

    @Test
    void shouldReportEndOfStreamBetweenMessagesAsNull() throws Exception {
        assertNull(new MessageReader(new ScriptedChannel()).read());
    }

    @Test
    void shouldRefuseATruncatedHeader() {
        final ScriptedChannel channel = new ScriptedChannel().add(new byte[] {1, 0, 0, 0, 1});
        final VhostUserException e = assertThrows(VhostUserException.class, () -> new MessageReader(channel).read());
        assertTrue(e.getMessage().contains("inside a message header after 5 bytes"), e.getMessage());
    }

    @Test
    void shouldRefuseAPayloadLargerThanTheMaximumBeforeReadingIt() {
        final byte[] header = header(VhostUserRequest.SET_MEM_TABLE, Frames.V1, MessageHeader.MAX_PAYLOAD + 1);
        final VhostUserException e = assertThrows(VhostUserException.class,
                () -> new MessageReader(new ScriptedChannel().add(header)).read());
        assertTrue(e.getMessage().contains("size=4097 exceeds the maximum payload of 4096"), e.getMessage());
    }

    @Test
    void shouldRefuseAHugeUnsignedSize() {
        final byte[] header = header(VhostUserRequest.GET_FEATURES, Frames.V1, -1);
        final VhostUserException e = assertThrows(VhostUserException.class,
                () -> new MessageReader(new ScriptedChannel().add(header)).read());
        assertTrue(e.getMessage().contains("size=4294967295"), e.getMessage());
    }

    @Test
    void shouldRefuseAWrongVersionAndReplyOrUnknownFlags() {
        for (final int flags : new int[] {0, 2, 3, MessageHeader.VERSION | MessageHeader.REPLY, 0x11}) {
            final byte[] header = header(VhostUserRequest.GET_FEATURES, flags, 0);
            assertThrows(VhostUserException.class, () -> new MessageReader(new ScriptedChannel().add(header)).read(),
                    "flags=" + flags);
        }
    }

    @Test
    void shouldRefuseATruncatedPayloadAndCloseItsDescriptors() {
        final int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        final byte[] wire = Frames.wire(VhostUserRequest.SET_VRING_KICK, Frames.V1, Frames.u64(0));
        final ScriptedChannel channel = new ScriptedChannel().add(Arrays.copyOf(wire, wire.length - 3), fd);
        final VhostUserException e = assertThrows(VhostUserException.class, () -> new MessageReader(channel).read());
        assertTrue(e.getMessage().contains("after 5 of 8 payload bytes"), e.getMessage());
        assertFalse(SharedMemory.isOpen(fd), "descriptor leaked");
    }

    @Test
    void shouldRefuseMoreThanEightDescriptorsAndCloseThemAll() {
        final int[] fds = new int[9];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        }
        final ScriptedChannel channel = new ScriptedChannel()
                .add(Frames.wire(VhostUserRequest.SET_MEM_TABLE, Frames.V1, new byte[8]), fds);
        final VhostUserException e = assertThrows(VhostUserException.class, () -> new MessageReader(channel).read());
        assertTrue(e.getMessage().contains("fds=9 exceeds 8"), e.getMessage());
        for (final int fd : fds) {
            assertFalse(SharedMemory.isOpen(fd), "descriptor leaked: " + fd);
        }
    }

    @Test
    void shouldRefuseDescriptorsTheKernelTruncated() {
        final int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        final ScriptedChannel channel = new ScriptedChannel()
                .addTruncated(Frames.wire(VhostUserRequest.SET_VRING_CALL, Frames.V1, Frames.u64(0)), fd);
        final VhostUserException e = assertThrows(VhostUserException.class, () -> new MessageReader(channel).read());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertFalse(SharedMemory.isOpen(fd));
    }

    @Test
    void shouldCloseDescriptorsNobodyTook() throws Exception {
        final int fd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        final ScriptedChannel channel = new ScriptedChannel()
                .add(Frames.wire(VhostUserRequest.SET_VRING_CALL, Frames.V1, Frames.u64(0)), fd);
        final VhostUserMessage message = new MessageReader(channel).read();
        assertEquals(1, message.fdCount());
        assertTrue(SharedMemory.isOpen(fd));
        message.close();
        assertFalse(SharedMemory.isOpen(fd));
    }

    @Test
    void shouldEncodeRepliesWithTheReplyFlag() {
        final byte[] reply = MessageHeader.reply(VhostUserRequest.GET_FEATURES, Frames.u64(7));
        assertEquals(7, Frames.replyU64(reply, VhostUserRequest.GET_FEATURES));
        assertArrayEquals(header(VhostUserRequest.GET_FEATURES, 0x5, 8), Arrays.copyOf(reply, 12));
    }

    private static byte[] header(final int request, final int flags, final int size) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(request).putInt(flags).putInt(size)
                .array();
    }
}
