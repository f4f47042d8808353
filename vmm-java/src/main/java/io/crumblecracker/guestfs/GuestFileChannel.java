package io.crumblecracker.guestfs;

import io.crumblecracker.agent.AgentException;
import io.crumblecracker.agent.GuestFileHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * A {@link FileChannel} on a file in the guest, over a {@link GuestFileHandle}: reads and writes go to the
 * handle at explicit offsets, at most {@link #CHUNK} bytes per call. Memory mapping and locking are not
 * supported; {@link #transferTo} and {@link #transferFrom} copy through a buffer.
 *
 * <p>Thread safety, as {@link FileChannel} specifies: operations that use or change the channel's position
 * (or the file's size through {@link #truncate}) hold one lock while they run; positional reads and writes
 * may run concurrently. Like the JDK's channels it is interruptible: an interrupted thread closes it
 * ({@link java.nio.channels.ClosedByInterruptException}), unless it backs a stream
 * ({@link #setUninterruptible}). A channel opened with APPEND writes at the end of the file, and its position
 * is the file's size.
 */
final class GuestFileChannel extends FileChannel {
    /** The most bytes one call to the handle reads or writes. */
    static final int CHUNK = 256 * 1024;

    private final GuestFileSystem fileSystem;
    private final GuestFileHandle handle;
    private final GuestPath path;
    private final GuestOpenOptions options;
    /** Held by operations that use the position. */
    private final Object positionLock = new Object();
    /** Guarded by {@link #positionLock}. */
    private long position;
    private volatile boolean uninterruptible;

    GuestFileChannel(final GuestFileSystem fileSystem, final GuestFileHandle handle, final GuestPath path,
                     final GuestOpenOptions options) {
        this.fileSystem = fileSystem;
        this.handle = handle;
        this.path = path;
        this.options = options;
    }

    /** Interrupting a thread in an operation no longer closes the channel (streams behave so in the JDK). */
    void setUninterruptible() {
        uninterruptible = true;
    }

    @Override
    public int read(final ByteBuffer dst) throws IOException {
        ensureReadable();
        synchronized (positionLock) {
            final int n = readAt(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        ensureReadable();
        synchronized (positionLock) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                final ByteBuffer dst = dsts[i];
                if (!dst.hasRemaining()) {
                    continue;
                }
                final int n = readAt(dst, position);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                position += n;
                total += n;
                if (dst.hasRemaining()) {
                    break;
                }
            }
            return total;
        }
    }

    @Override
    public int read(final ByteBuffer dst, final long at) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (at < 0) {
            throw new IllegalArgumentException("negative position " + at);
        }
        ensureReadable();
        return readAt(dst, at);
    }

    @Override
    public int write(final ByteBuffer src) throws IOException {
        ensureWritable();
        synchronized (positionLock) {
            final int n = writeAt(src, position);
            position += n;
            return n;
        }
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureWritable();
        synchronized (positionLock) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                final int n = writeAt(srcs[i], position);
                position += n;
                total += n;
            }
            return total;
        }
    }

    @Override
    public int write(final ByteBuffer src, final long at) throws IOException {
        Objects.requireNonNull(src, "src");
        if (at < 0) {
            throw new IllegalArgumentException("negative position " + at);
        }
        ensureWritable();
        return writeAt(src, at);
    }

    /** The position; with APPEND, the file's size. */
    @Override
    public long position() throws IOException {
        ensureOpen();
        if (options.append()) {
            return size();
        }
        synchronized (positionLock) {
            return position;
        }
    }

    @Override
    public GuestFileChannel position(final long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        ensureOpen();
        synchronized (positionLock) {
            position = newPosition;
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        return io(() -> handle.stat().size());
    }

    @Override
    public GuestFileChannel truncate(final long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        ensureWritable();
        synchronized (positionLock) {
            io(() -> {
                if (size < handle.stat().size()) {
                    handle.truncate(size);
                }
                return null;
            });
            if (position > size) {
                position = size;
            }
        }
        return this;
    }

    @Override
    public void force(final boolean metaData) throws IOException {
        io(() -> {
            handle.sync();
            return null;
        });
    }

    @Override
    public long transferTo(final long at, final long count, final WritableByteChannel target) throws IOException {
        Objects.requireNonNull(target, "target");
        if (at < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count: " + at + ", " + count);
        }
        ensureReadable();
        if (!target.isOpen()) {
            throw new ClosedChannelException();
        }
        final ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, CHUNK));
        long done = 0;
        while (done < count) {
            buffer.clear().limit((int) Math.min(count - done, buffer.capacity()));
            final int read = readAt(buffer, at + done);
            if (read <= 0) {
                break;
            }
            buffer.flip();
            final int written = target.write(buffer);
            done += written;
            if (written < read) {
                break;
            }
        }
        return done;
    }

    @Override
    public long transferFrom(final ReadableByteChannel src, final long at, final long count) throws IOException {
        Objects.requireNonNull(src, "src");
        if (at < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count: " + at + ", " + count);
        }
        ensureWritable();
        if (!src.isOpen()) {
            throw new ClosedChannelException();
        }
        if (at > size()) {
            return 0;
        }
        final ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, CHUNK));
        long done = 0;
        while (done < count) {
            buffer.clear().limit((int) Math.min(count - done, buffer.capacity()));
            final int read = src.read(buffer);
            if (read <= 0) {
                break;
            }
            buffer.flip();
            done += writeAt(buffer, at + done);
        }
        return done;
    }

    /** Always throws: guest files cannot be mapped into the host's memory. */
    @Override
    public MappedByteBuffer map(final MapMode mode, final long at, final long size) {
        throw new UnsupportedOperationException("memory-mapping a file of a guest VM is not supported");
    }

    /** Always throws: the guest agent offers no file locks. */
    @Override
    public FileLock lock(final long at, final long size, final boolean shared) {
        throw new UnsupportedOperationException("locking a file of a guest VM is not supported");
    }

    /** Always throws: the guest agent offers no file locks. */
    @Override
    public FileLock tryLock(final long at, final long size, final boolean shared) {
        throw new UnsupportedOperationException("locking a file of a guest VM is not supported");
    }

    /** Closes the handle; with DELETE_ON_CLOSE then removes the file (best effort). */
    @Override
    protected void implCloseChannel() throws IOException {
        fileSystem.untrack(this);
        try {
            handle.close();
        } catch (final AgentException e) {
            throw GuestErrors.translate(e, path.toString(), null);
        } finally {
            if (options.deleteOnClose()) {
                deleteQuietly();
            }
        }
    }

    @Override
    public String toString() {
        return "GuestFileChannel[" + path + "]";
    }

    private int readAt(final ByteBuffer dst, final long at) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        if (!dst.hasRemaining()) {
            ensureOpen();
            return 0;
        }
        return io(() -> {
            int total = 0;
            while (dst.hasRemaining()) {
                final int chunk = Math.min(dst.remaining(), CHUNK);
                final int n = handle.read(at + total, dst.slice(dst.position(), chunk));
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                dst.position(dst.position() + n);
                total += n;
                if (n < chunk) {
                    break;
                }
            }
            return total;
        });
    }

    private int writeAt(final ByteBuffer src, final long at) throws IOException {
        if (!src.hasRemaining()) {
            ensureOpen();
            return 0;
        }
        return io(() -> {
            int total = 0;
            while (src.hasRemaining()) {
                final int chunk = Math.min(src.remaining(), CHUNK);
                final int n = handle.write(at + total, src.slice(src.position(), chunk));
                if (n <= 0) {
                    break;
                }
                src.position(src.position() + n);
                total += n;
            }
            return total;
        });
    }

    /** Runs a handle call: open check, interruption as {@link java.nio.channels.spi.AbstractInterruptibleChannel}. */
    private <T> T io(final HandleCall<T> call) throws IOException {
        ensureOpen();
        final boolean interruptible = !uninterruptible;
        boolean completed = false;
        try {
            if (interruptible) {
                begin();
            }
            final T result = call.run();
            completed = true;
            return result;
        } catch (final AgentException e) {
            throw GuestErrors.translate(e, path.toString(), null);
        } finally {
            if (interruptible) {
                end(completed);
            }
        }
    }

    private void deleteQuietly() {
        try {
            fileSystem.operations().raw().remove(path.guestString());
        } catch (final IOException e) {
            // DELETE_ON_CLOSE is a best effort (StandardOpenOption#DELETE_ON_CLOSE).
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void ensureReadable() throws ClosedChannelException {
        ensureOpen();
        if (!options.read()) {
            throw new NonReadableChannelException();
        }
    }

    private void ensureWritable() throws ClosedChannelException {
        ensureOpen();
        if (!options.write()) {
            throw new NonWritableChannelException();
        }
    }

    /** A call to the handle. */
    @FunctionalInterface
    private interface HandleCall<T> {
        T run() throws IOException;
    }
}
