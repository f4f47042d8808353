package io.crumblecracker.agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds one frame's body in a reusable little-endian buffer that grows up to {@link Wire#MAX_BODY}.
 * Strings are checked for NUL bytes here, so no request the host sends can carry one.
 *
 * <p>Not thread-safe: one writer per sending thread or under the sender's lock.
 */
public final class BodyWriter {
    private ByteBuffer buffer;

    /** A writer with {@code initialCapacity} bytes before it first grows. */
    public BodyWriter(final int initialCapacity) {
        buffer = ByteBuffer.allocate(initialCapacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Empties the body for the next frame. */
    public BodyWriter clear() {
        buffer.clear();
        return this;
    }

    /** Appends a u8. */
    public BodyWriter u8(final int value) {
        ensure(1).put((byte) value);
        return this;
    }

    /** Appends a u16. */
    public BodyWriter u16(final int value) {
        ensure(2).putShort((short) value);
        return this;
    }

    /** Appends a u32 (or i32). */
    public BodyWriter u32(final int value) {
        ensure(4).putInt(value);
        return this;
    }

    /** Appends a u64 (or i64). */
    public BodyWriter u64(final long value) {
        ensure(8).putLong(value);
        return this;
    }

    /**
     * Appends a {@code str}.
     *
     * @throws IllegalArgumentException if it contains a NUL character
     */
    public BodyWriter str(final String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL character is not allowed in " + printable(value));
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        u32(bytes.length);
        ensure(bytes.length).put(bytes);
        return this;
    }

    /** Appends a {@code strs}. */
    public BodyWriter strs(final List<String> values) {
        if (values.size() > Wire.MAX_STRINGS) {
            throw new IllegalArgumentException(values.size() + " strings; at most " + Wire.MAX_STRINGS);
        }
        u32(values.size());
        values.forEach(this::str);
        return this;
    }

    /** Appends the remaining bytes of {@code src}, advancing its position. */
    public BodyWriter bytes(final ByteBuffer src) {
        ensure(src.remaining()).put(src);
        return this;
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}. */
    public BodyWriter bytes(final byte[] src, final int offset, final int length) {
        ensure(length).put(src, offset, length);
        return this;
    }

    /** The body's length so far. */
    public int length() {
        return buffer.position();
    }

    /** The body's bytes: backing array from 0 to {@link #length()}. */
    byte[] array() {
        return buffer.array();
    }

    private ByteBuffer ensure(final int bytes) {
        if (buffer.remaining() < bytes) {
            final long needed = (long) buffer.position() + bytes;
            if (needed > Wire.MAX_BODY) {
                throw new IllegalArgumentException("frame body of " + needed + " bytes exceeds " + Wire.MAX_BODY);
            }
            final int capacity = (int) Math.min(Wire.MAX_BODY, Math.max(needed, 2L * buffer.capacity()));
            final ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
            buffer.flip();
            grown.put(buffer);
            buffer = grown;
        }
        return buffer;
    }

    private static String printable(final String value) {
        return "\"" + value.replace("\0", "\\0") + "\"";
    }
}
