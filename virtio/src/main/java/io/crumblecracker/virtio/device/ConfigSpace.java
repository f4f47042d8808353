package io.crumblecracker.virtio.device;

import java.util.Arrays;
import java.util.Objects;

/**
 * A device configuration space (virtio 1.2 §2.5): a small little-endian byte array that the driver reads
 * through the transport with accesses of 1, 2, 4 or 8 bytes.
 *
 * <p>Guest accesses are bounds-checked and never throw: anything outside the space, or of another width,
 * reads 0 and {@link #guestWrite} reports it as refused. Host-side setters throw on bad offsets, which are
 * programming errors.
 *
 * <p>Thread safety: guest reads (vCPU threads) race only with host setters called while the device is not
 * yet visible, or under the device's own lock; the contents are published through {@code volatile}.
 */
public final class ConfigSpace {

    private volatile byte[] bytes;

    /** Creates a zeroed space of {@code size} bytes. */
    public ConfigSpace(final int size) {
        if (size < 0 || size > 0xF00) {
            throw new IllegalArgumentException("size=" + size + " is not in [0, 0xF00]");
        }
        this.bytes = new byte[size];
    }

    /** The size in bytes. */
    public int size() {
        return bytes.length;
    }

    /** A guest read of {@code width} bytes at {@code offset}; 0 if out of range or of a bad width. */
    public long guestRead(final int offset, final int width) {
        final byte[] current = bytes;
        if (!fits(offset, width, current.length)) {
            return 0;
        }
        long value = 0;
        for (int i = 0; i < width; i++) {
            value |= (current[offset + i] & 0xFFL) << (8 * i);
        }
        return value;
    }

    /**
     * A guest write of the low {@code width} bytes of {@code value} at {@code offset}.
     *
     * @return false, and nothing changed, if the access is out of range or of a bad width
     */
    public synchronized boolean guestWrite(final int offset, final int width, final long value) {
        if (!fits(offset, width, bytes.length)) {
            return false;
        }
        put(offset, width, value);
        return true;
    }

    /** Sets the byte at {@code offset}. */
    public void putU8(final int offset, final int value) {
        put(offset, 1, value);
    }

    /** Sets the little-endian 16-bit field at {@code offset}. */
    public void putU16(final int offset, final int value) {
        put(offset, 2, value);
    }

    /** Sets the little-endian 32-bit field at {@code offset}. */
    public void putU32(final int offset, final int value) {
        put(offset, 4, Integer.toUnsignedLong(value));
    }

    /** Sets the little-endian 64-bit field at {@code offset}. */
    public void putU64(final int offset, final long value) {
        put(offset, 8, value);
    }

    private synchronized void put(final int offset, final int width, final long value) {
        final byte[] copy = Arrays.copyOf(bytes, bytes.length);
        Objects.checkFromIndexSize(offset, width, copy.length);
        for (int i = 0; i < width; i++) {
            copy[offset + i] = (byte) (value >>> (8 * i));
        }
        bytes = copy;
    }

    private static boolean fits(final int offset, final int width, final int size) {
        final boolean validWidth = width == 1 || width == 2 || width == 4 || width == 8;
        return validWidth && offset >= 0 && offset <= size - width;
    }
}
