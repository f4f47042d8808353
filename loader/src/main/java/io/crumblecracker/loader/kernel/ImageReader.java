package io.crumblecracker.loader.kernel;

import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.Sizes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bounds-checked little-endian reads from an untrusted image file held in memory. A read that would
 * pass the end of the file fails with a {@link BootException} naming the image, the field and the
 * file's size, so a truncated file can never cause an index error.
 */
final class ImageReader {

    private final ByteBuffer bytes;
    private final String source;

    ImageReader(final byte[] bytes, final String source) {
        this.bytes = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    /** What the image is, for messages: "kernel image" or "kernel path=/boot/vmlinux". */
    String source() {
        return source;
    }

    /** The whole file; callers read it only at offsets this reader has validated. */
    byte[] array() {
        return bytes.array();
    }

    /** The file's length in bytes. */
    int length() {
        return bytes.capacity();
    }

    /** True if {@code [offset, offset + size)} is inside the file; both are unsigned. */
    boolean holds(final long offset, final long size) {
        return Long.compareUnsigned(offset, length()) <= 0 && Long.compareUnsigned(size, length() - offset) <= 0;
    }

    int u8(final long offset, final String field) {
        require(offset, 1, field);
        return Byte.toUnsignedInt(bytes.get((int) offset));
    }

    int u16(final long offset, final String field) {
        require(offset, 2, field);
        return Short.toUnsignedInt(bytes.getShort((int) offset));
    }

    long u32(final long offset, final String field) {
        require(offset, 4, field);
        return Integer.toUnsignedLong(bytes.getInt((int) offset));
    }

    long u64(final long offset, final String field) {
        require(offset, 8, field);
        return bytes.getLong((int) offset);
    }

    /** A copy of {@code [offset, offset + size)}. */
    byte[] copy(final long offset, final int size, final String what) {
        require(offset, size, what);
        final byte[] out = new byte[size];
        bytes.get((int) offset, out);
        return out;
    }

    private void require(final long offset, final long size, final String field) {
        if (!holds(offset, size)) {
            throw new BootException(source + " is truncated: " + field + " at offset=" + Sizes.hex(offset)
                    + " needs " + size + " bytes but the file is " + length() + " bytes");
        }
    }
}
