package io.crumblecracker.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 12-byte vhost-user message header (vhost-user spec, "Header"): request, flags, payload size, each a
 * native-endian (here little-endian) u32. Flags carry the version in bits 0-1 (always 1), REPLY (bit 2) on
 * every back-end reply and NEED_REPLY (bit 3) when the front-end wants an acknowledgement.
 *
 * <p>{@link #decode} is the first line of defence: a wrong version, unknown flag bits or a size beyond
 * {@link #MAX_PAYLOAD} are rejected before a single payload byte is read, so no front-end number ever
 * sizes an allocation beyond 4 KiB.
 *
 * @param request the request code
 * @param flags   the flags word
 * @param size    the payload size in bytes
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html#header">vhost-user: Header</a>
 */
record MessageHeader(int request, int flags, int size) {

    /** Header bytes on the wire. */
    static final int SIZE = 12;
    /** The largest payload accepted: the largest real one (a config access) is 268 bytes. */
    static final int MAX_PAYLOAD = 4096;
    /** The protocol version, in the low two flag bits. */
    static final int VERSION = 0x1;
    /** Flag bit 2: this message is a reply. */
    static final int REPLY = 0x4;
    /** Flag bit 3: the sender wants a reply (REPLY_ACK). */
    static final int NEED_REPLY = 0x8;

    private static final int VERSION_MASK = 0x3;
    private static final int KNOWN_FLAGS = VERSION_MASK | REPLY | NEED_REPLY;

    /**
     * Parses and validates a request header.
     *
     * @throws VhostUserException if the version is not 1, the REPLY flag or an unknown flag is set, or the
     *                            size exceeds {@link #MAX_PAYLOAD}
     */
    static MessageHeader decode(final byte[] bytes) throws VhostUserException {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        final MessageHeader header = new MessageHeader(buffer.getInt(), buffer.getInt(), buffer.getInt());
        final String name = VhostUserRequest.name(header.request);
        if ((header.flags & VERSION_MASK) != VERSION) {
            throw new VhostUserException(name + ": version=" + (header.flags & VERSION_MASK) + ", expected 1");
        }
        if ((header.flags & ~KNOWN_FLAGS) != 0 || (header.flags & REPLY) != 0) {
            throw new VhostUserException(name + ": flags=0x" + Integer.toHexString(header.flags)
                    + " has bits a request may not carry");
        }
        if (Integer.compareUnsigned(header.size, MAX_PAYLOAD) > 0) {
            throw new VhostUserException(name + ": size=" + Integer.toUnsignedString(header.size)
                    + " exceeds the maximum payload of " + MAX_PAYLOAD);
        }
        return header;
    }

    /** True if the front-end asked for an acknowledgement. */
    boolean needsReply() {
        return (flags & NEED_REPLY) != 0;
    }

    /** Encodes a reply to {@code request} carrying {@code payload}: header then payload. */
    static byte[] reply(final int request, final byte[] payload) {
        final ByteBuffer buffer = ByteBuffer.allocate(SIZE + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(request).putInt(VERSION | REPLY).putInt(payload.length).put(payload);
        return buffer.array();
    }

    /** Encodes a request (for tests and front-end fakes). */
    static byte[] request(final int request, final int flags, final byte[] payload) {
        final ByteBuffer buffer = ByteBuffer.allocate(SIZE + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(request).putInt(flags).putInt(payload.length).put(payload);
        return buffer.array();
    }
}
