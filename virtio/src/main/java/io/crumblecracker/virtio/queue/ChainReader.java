package io.crumblecracker.virtio.queue;

import java.util.Objects;

/**
 * Reads the device-readable part of a {@link DescriptorChain} as one little-endian byte stream, across
 * descriptor boundaries (virtio 1.2 §2.6.4).
 *
 * <p>Callers check {@link #remaining()} before reading; reading past the end is a programming error
 * ({@link IndexOutOfBoundsException}). Reusable and allocation-free; confined to the queue's thread.
 */
public final class ChainReader extends ChainCursor {

    /** Creates a reader; point it at a chain with {@link #wrap}. */
    public ChainReader() {
    }

    /** Positions this reader at the first readable byte of {@code chain}. */
    public ChainReader wrap(final DescriptorChain chain) {
        position(chain, 0, chain.readableCount(), chain.readableLength());
        return this;
    }

    /** Reads one unsigned byte. */
    public int readU8() {
        require(1);
        final int value = memory().readU8(segmentAddress());
        advance(1);
        return value;
    }

    /** Reads an unsigned little-endian 16-bit value. */
    public int readU16() {
        if (segmentLength() >= 2) {
            final int value = memory().readU16(segmentAddress());
            advance(2);
            return value;
        }
        return (int) readSplit(2);
    }

    /** Reads a little-endian 32-bit value. */
    public int readU32() {
        if (segmentLength() >= 4) {
            final int value = memory().readU32(segmentAddress());
            advance(4);
            return value;
        }
        return (int) readSplit(4);
    }

    /** Reads a little-endian 64-bit value. */
    public long readU64() {
        if (segmentLength() >= 8) {
            final long value = memory().readU64(segmentAddress());
            advance(8);
            return value;
        }
        return readSplit(8);
    }

    /** Copies the next {@code length} bytes into {@code dst[offset..]}. */
    public void read(final byte[] dst, final int offset, final int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        require(length);
        int done = 0;
        while (done < length) {
            final int step = (int) Math.min(length - done, segmentLength());
            memory().read(segmentAddress(), dst, offset + done, step);
            advance(step);
            done += step;
        }
    }

    private long readSplit(final int bytes) {
        require(bytes);
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value |= (long) readU8() << (8 * i);
        }
        return value;
    }
}
