package io.crumblecracker.virtio.queue;

import java.util.Objects;

/**
 * Writes the device-writable part of a {@link DescriptorChain} as one little-endian byte stream, across
 * descriptor boundaries (virtio 1.2 §2.6.4). {@link #position()} is the used length to report.
 *
 * <p>Writing past the end is a programming error ({@link IndexOutOfBoundsException}); check
 * {@link #remaining()} first. Reusable and allocation-free; confined to the queue's thread.
 */
public final class ChainWriter extends ChainCursor {

    /** Creates a writer; point it at a chain with {@link #wrap}. */
    public ChainWriter() {
    }

    /** Positions this writer at the first writable byte of {@code chain}. */
    public ChainWriter wrap(final DescriptorChain chain) {
        position(chain, chain.readableCount(), chain.descriptorCount(), chain.writableLength());
        return this;
    }

    /** Writes the low 8 bits of {@code value}. */
    public void writeU8(final int value) {
        require(1);
        memory().writeU8(segmentAddress(), value);
        advance(1);
    }

    /** Writes the low 16 bits of {@code value}, little-endian. */
    public void writeU16(final int value) {
        if (segmentLength() >= 2) {
            memory().writeU16(segmentAddress(), value);
            advance(2);
        } else {
            writeSplit(value, 2);
        }
    }

    /** Writes {@code value}, little-endian. */
    public void writeU32(final int value) {
        if (segmentLength() >= 4) {
            memory().writeU32(segmentAddress(), value);
            advance(4);
        } else {
            writeSplit(Integer.toUnsignedLong(value), 4);
        }
    }

    /** Writes {@code value}, little-endian. */
    public void writeU64(final long value) {
        if (segmentLength() >= 8) {
            memory().writeU64(segmentAddress(), value);
            advance(8);
        } else {
            writeSplit(value, 8);
        }
    }

    /** Copies {@code src[offset..offset+length)} into the chain. */
    public void write(final byte[] src, final int offset, final int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        require(length);
        int done = 0;
        while (done < length) {
            final int step = (int) Math.min(length - done, segmentLength());
            memory().write(segmentAddress(), src, offset + done, step);
            advance(step);
            done += step;
        }
    }

    /** Writes {@code length} copies of {@code value}. */
    public void fill(final byte value, final long length) {
        require(length);
        long left = length;
        while (left > 0) {
            final long step = Math.min(left, segmentLength());
            memory().fill(segmentAddress(), step, value);
            advance(step);
            left -= step;
        }
    }

    private void writeSplit(final long value, final int bytes) {
        require(bytes);
        for (int i = 0; i < bytes; i++) {
            writeU8((int) (value >>> (8 * i)));
        }
    }
}
