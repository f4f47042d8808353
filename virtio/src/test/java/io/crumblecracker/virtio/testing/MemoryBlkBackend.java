package io.crumblecracker.virtio.testing;

import io.crumblecracker.virtio.blk.BlkBackend;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link io.crumblecracker.virtio.blk.BlkBackend} over a heap array, for tests. It fails the test (with an
 * {@link AssertionError}, which no device code catches) if it is ever asked for bytes outside the disk: the
 * device must have validated every range before calling.
 */
public final class MemoryBlkBackend implements BlkBackend {

    private final byte[] disk;
    private final boolean readOnly;
    private int flushes;
    private IOException failure;

    /** A zeroed disk of {@code size} bytes. */
    public MemoryBlkBackend(final int size, final boolean readOnly) {
        this.disk = new byte[size];
        this.readOnly = readOnly;
    }

    /** The disk's bytes, live. */
    public byte[] disk() {
        return disk;
    }

    /** How often {@link #flush()} was called. */
    public int flushes() {
        return flushes;
    }

    /** Makes every later I/O call fail with {@code exception} ({@code null} to stop). */
    public void failWith(final IOException exception) {
        this.failure = exception;
    }

    @Override
    public long size() {
        return disk.length;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        check(offset, dst.remaining());
        dst.put(disk, (int) offset, dst.remaining());
    }

    @Override
    public void write(final long offset, final ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new AssertionError("write to a read-only backend offset=" + offset);
        }
        check(offset, src.remaining());
        src.get(disk, (int) offset, src.remaining());
    }

    @Override
    public void flush() throws IOException {
        if (failure != null) {
            throw failure;
        }
        flushes++;
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    private void check(final long offset, final int length) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (offset < 0 || length < 0 || offset > disk.length - length) {
            throw new AssertionError("access outside the disk offset=" + offset + " length=" + length);
        }
    }
}
