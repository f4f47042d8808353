package io.crumblecracker.virtio.vsock;

import io.crumblecracker.virtio.queue.ChainReader;
import io.crumblecracker.virtio.queue.ChainWriter;
import java.nio.ByteBuffer;

/**
 * A bounded FIFO of bytes over one array allocated up front: the per-connection buffer in each direction.
 * Every transfer is at most two contiguous copies (before and after the wrap), straight between the array
 * and a {@link ByteBuffer} or a chain in guest memory; nothing allocates.
 *
 * <p>Thread safety: confined to the device's lock.
 */
final class ByteRing {

    private final byte[] bytes;
    private int head;
    private int size;

    ByteRing(final int capacity) {
        this.bytes = new byte[capacity];
    }

    int capacity() {
        return bytes.length;
    }

    /** Bytes held. */
    int size() {
        return size;
    }

    /** Bytes that still fit. */
    int space() {
        return bytes.length - size;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** Appends as much of {@code src} as fits, advancing its position; returns the bytes taken. */
    int put(final ByteBuffer src) {
        final int total = Math.min(src.remaining(), space());
        int done = 0;
        while (done < total) {
            final int tail = (head + size) % bytes.length;
            final int step = Math.min(total - done, bytes.length - tail);
            src.get(bytes, tail, step);
            size += step;
            done += step;
        }
        return total;
    }

    /** Appends {@code length} bytes ({@code <= space()}) read from {@code reader}. */
    void put(final ChainReader reader, final int length) {
        int done = 0;
        while (done < length) {
            final int tail = (head + size) % bytes.length;
            final int step = Math.min(length - done, bytes.length - tail);
            reader.read(bytes, tail, step);
            size += step;
            done += step;
        }
    }

    /** Removes as many bytes as {@code dst} has room for, advancing its position; returns the bytes moved. */
    int take(final ByteBuffer dst) {
        final int total = Math.min(dst.remaining(), size);
        int done = 0;
        while (done < total) {
            final int step = Math.min(total - done, bytes.length - head);
            dst.put(bytes, head, step);
            consume(step);
            done += step;
        }
        return total;
    }

    /** Removes {@code length} bytes ({@code <= size()}) into {@code writer}. */
    void take(final ChainWriter writer, final int length) {
        int done = 0;
        while (done < length) {
            final int step = Math.min(length - done, bytes.length - head);
            writer.write(bytes, head, step);
            consume(step);
            done += step;
        }
    }

    private void consume(final int length) {
        head = (head + length) % bytes.length;
        size -= length;
        if (size == 0) {
            head = 0;
        }
    }
}
