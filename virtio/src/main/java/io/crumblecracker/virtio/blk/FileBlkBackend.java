package io.crumblecracker.virtio.blk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link BlkBackend} over a file (or block special file) through a positioned {@link FileChannel}.
 * Guest buffers are transferred straight between the channel and guest memory.
 *
 * <p>The size is taken when the file is opened; the disk does not grow or shrink with the file.
 * Thread safety: positioned channel I/O is safe from any thread.
 */
public final class FileBlkBackend implements BlkBackend {

    private final FileChannel channel;
    private final boolean readOnly;
    private final long size;

    private FileBlkBackend(final FileChannel channel, final boolean readOnly) throws IOException {
        this.channel = channel;
        this.readOnly = readOnly;
        this.size = channel.size();
    }

    /**
     * Opens {@code path} as a disk.
     *
     * @param readOnly open for reading only, and refuse writes
     */
    public static FileBlkBackend open(final Path path, final boolean readOnly) throws IOException {
        final FileChannel channel = readOnly
                ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return new FileBlkBackend(channel, readOnly);
        } catch (final IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        long position = offset;
        while (dst.hasRemaining()) {
            final int n = channel.read(dst, position);
            if (n < 0) {
                throw new IOException("end of file at offset=" + position + " size=" + size);
            }
            position += n;
        }
    }

    @Override
    public void write(final long offset, final ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new IOException("backend is read-only offset=" + offset);
        }
        checkRange(offset, src.remaining());
        long position = offset;
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            channel.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void checkRange(final long offset, final long length) throws IOException {
        if (offset < 0 || length > size - offset) {
            throw new IOException("range offset=" + offset + " length=" + length + " exceeds size=" + size);
        }
    }
}
