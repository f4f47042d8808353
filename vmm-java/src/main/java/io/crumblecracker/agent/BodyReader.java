package io.crumblecracker.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one received frame body. Every read checks that the bytes are there, and {@link #end()}
 * that none are left over, so a short or padded body is a {@link ProtocolException}, never a wrong value.
 */
public final class BodyReader {
    private final ByteBuffer body;
    private final int type;

    /** Reads {@code body} (from its position to its limit) of a frame of {@code type}. */
    public BodyReader(final int type, final ByteBuffer body) {
        this.type = type;
        this.body = body.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The frame's type. */
    public int type() {
        return type;
    }

    /** Bytes not read yet. */
    public int remaining() {
        return body.remaining();
    }

    /** Reads a u8. */
    public int u8() throws ProtocolException {
        need(1, "u8");
        return body.get() & 0xFF;
    }

    /** Reads a u16. */
    public int u16() throws ProtocolException {
        need(2, "u16");
        return body.getShort() & 0xFFFF;
    }

    /** Reads a u32 as an int (callers that need it unsigned say so). */
    public int u32() throws ProtocolException {
        need(4, "u32");
        return body.getInt();
    }

    /** Reads a u64 (or i64). */
    public long u64() throws ProtocolException {
        need(8, "u64");
        return body.getLong();
    }

    /** Reads a {@code str}: length-checked, no NUL. */
    public String str() throws ProtocolException {
        final int length = u32();
        if (length < 0 || length > body.remaining()) {
            throw violation("a string of " + Integer.toUnsignedString(length) + " bytes with "
                    + body.remaining() + " left");
        }
        final byte[] bytes = new byte[length];
        body.get(bytes);
        for (final byte b : bytes) {
            if (b == 0) {
                throw violation("a NUL byte inside a string");
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The rest of the body as a read-only view (shares the frame's buffer: valid until the next frame). */
    public ByteBuffer rest() {
        final ByteBuffer rest = body.slice().asReadOnlyBuffer();
        body.position(body.limit());
        return rest;
    }

    /** Checks that every byte was read. */
    public void end() throws ProtocolException {
        if (body.hasRemaining()) {
            throw violation(body.remaining() + " unexpected trailing bytes");
        }
    }

    private void need(final int bytes, final String what) throws ProtocolException {
        if (body.remaining() < bytes) {
            throw violation("body too short for a " + what);
        }
    }

    private ProtocolException violation(final String what) {
        return new ProtocolException(FrameType.name(type) + ": " + what);
    }
}
