package io.crumblecracker.virtio.queue;

import io.crumblecracker.memory.GuestMemory;

/**
 * A position in one part of a {@link DescriptorChain} (its readable or its writable buffers), seen as one
 * run of bytes that crosses descriptor boundaries (virtio 1.2 §2.6.4: devices must not assume any
 * particular framing).
 *
 * <p>{@link #segmentAddress()} and {@link #segmentLength()} expose the contiguous guest bytes at the
 * current position, so callers can hand them to host I/O without copying; {@link #skip} moves on.
 * Every address it yields was validated when the chain was loaded.
 *
 * <p>Reusable: {@code wrap} re-points it at a new chain without allocating. Thread safety: confined to
 * the queue's processing thread.
 */
public abstract sealed class ChainCursor permits ChainReader, ChainWriter {

    private DescriptorChain chain;
    private int index;
    private int end;
    private long offset;
    private long total;
    private long remaining;

    ChainCursor() {
    }

    /** The guest memory of the wrapped chain. */
    public final GuestMemory memory() {
        return chain.memory();
    }

    /** Bytes left from the current position to the end of this part of the chain. */
    public final long remaining() {
        return remaining;
    }

    /** Bytes consumed (read, written or skipped) since {@code wrap}. */
    public final long position() {
        return total - remaining;
    }

    /** The guest address of the current position; requires {@link #remaining()} > 0. */
    public final long segmentAddress() {
        require(1);
        return chain.address(index) + offset;
    }

    /** Contiguous bytes from the current position to the end of the current buffer (0 at the end). */
    public final long segmentLength() {
        return remaining == 0 ? 0 : chain.length(index) - offset;
    }

    /**
     * Moves forward {@code length} bytes.
     *
     * @throws IndexOutOfBoundsException if {@code length} is negative or exceeds {@link #remaining()}
     */
    public final void skip(final long length) {
        require(length);
        long left = length;
        while (left > 0) {
            final long step = Math.min(left, segmentLength());
            advance(step);
            left -= step;
        }
    }

    final void position(final DescriptorChain descriptorChain, final int first, final int last, final long bytes) {
        this.chain = descriptorChain;
        this.index = first;
        this.end = last;
        this.offset = 0;
        this.total = bytes;
        this.remaining = bytes;
        skipEmpty();
    }

    /** Consumes {@code length} bytes of the current segment; {@code length <= segmentLength()}. */
    final void advance(final long length) {
        offset += length;
        remaining -= length;
        if (offset == chain.length(index)) {
            index++;
            offset = 0;
            skipEmpty();
        }
    }

    final void require(final long length) {
        if (length < 0 || length > remaining) {
            throw new IndexOutOfBoundsException("length=" + length + " remaining=" + remaining);
        }
    }

    private void skipEmpty() {
        while (index < end && chain.length(index) == 0) {
            index++;
        }
    }
}
