package io.crumblecracker.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds vhost-user requests and payloads as a front-end would send them. */
final class Frames {

    /** Flags of an ordinary request: version 1. */
    static final int V1 = MessageHeader.VERSION;
    /** Flags of a request that wants a REPLY_ACK acknowledgement. */
    static final int V1_NEED_REPLY = MessageHeader.VERSION | MessageHeader.NEED_REPLY;

    private Frames() {
    }

    /** A parsed message, as {@link MessageReader} would produce it. */
    static VhostUserMessage message(final int request, final int flags, final byte[] payload, final int... fds) {
        return new VhostUserMessage(new MessageHeader(request, flags, payload.length), payload, fds);
    }

    /** A message with no payload and no descriptors. */
    static VhostUserMessage message(final int request) {
        return message(request, V1, new byte[0]);
    }

    /** Header and payload bytes on the wire. */
    static byte[] wire(final int request, final int flags, final byte[] payload) {
        return MessageHeader.request(request, flags, payload);
    }

    static byte[] u64(final long value) {
        return le(8).putLong(value).array();
    }

    static byte[] state(final int index, final int num) {
        return le(8).putInt(index).putInt(num).array();
    }

    static byte[] address(final int index, final long descriptor, final long used, final long available) {
        return le(40).putInt(index).putInt(0).putLong(descriptor).putLong(used).putLong(available).putLong(0)
                .array();
    }

    /** A memory table; each region is {guest, size, user, mmapOffset}. */
    static byte[] memTable(final long[]... regions) {
        final ByteBuffer b = le(8 + 32 * regions.length).putInt(regions.length).putInt(0);
        for (final long[] r : regions) {
            b.putLong(r[0]).putLong(r[1]).putLong(r[2]).putLong(r[3]);
        }
        return b.array();
    }

    static byte[] config(final int offset, final int size, final int flags, final byte[] bytes) {
        return le(12 + bytes.length).putInt(offset).putInt(size).putInt(flags).put(bytes).array();
    }

    /** Reads the u64 payload of an encoded reply, checking its header. */
    static long replyU64(final byte[] reply, final int request) {
        final ByteBuffer b = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != request || b.getInt() != (MessageHeader.VERSION | MessageHeader.REPLY) || b.getInt() != 8) {
            throw new AssertionError("not a u64 reply to " + request);
        }
        return b.getLong();
    }

    private static ByteBuffer le(final int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
