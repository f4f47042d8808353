package io.crumblecracker.virtio.blk;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The host side of a block device: positioned, bounded I/O on a disk image, with no knowledge of virtio.
 * The device validates every range against {@link #size()} before calling.
 *
 * <p>Called on the thread that processes the device's queue.
 */
public interface BlkBackend extends AutoCloseable {

    /** The disk's size in bytes. */
    long size();

    /** True if writes are refused (the device then offers VIRTIO_BLK_F_RO). */
    boolean isReadOnly();

    /** Fills all of {@code dst} from the disk starting at byte {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** Writes all of {@code src} to the disk starting at byte {@code offset}. */
    void write(long offset, ByteBuffer src) throws IOException;

    /** Makes completed writes durable. */
    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
