package io.crumblecracker.guestfs;

import io.crumblecracker.agent.AgentException;
import io.crumblecracker.agent.GuestFileHandle;
import io.crumblecracker.agent.GuestStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link GuestFileHandle} of {@link HostDirectoryOperations}: a host {@link FileChannel} read and written at
 * explicit offsets ({@code pread}/{@code pwrite}); with APPEND, writes go to the end. Calls are serialised and,
 * like a guest agent's, not disturbed by the calling thread's interrupt status.
 */
final class HostFileHandle implements GuestFileHandle {
    private final HostDirectoryOperations owner;
    private final FileChannel channel;
    private final Path file;
    private final String guestPath;
    private final boolean append;
    private boolean closed;

    HostFileHandle(final HostDirectoryOperations owner, final FileChannel channel, final Path file,
                   final String guestPath, final boolean append) {
        this.owner = owner;
        this.channel = channel;
        this.file = file;
        this.guestPath = guestPath;
        this.append = append;
    }

    @Override
    public synchronized int read(final long offset, final ByteBuffer dst) throws IOException {
        check("read");
        owner.transferred(dst.remaining());
        try {
            return shielded(() -> channel.read(dst, offset));
        } catch (final IOException e) {
            throw HostDirectoryOperations.failure("pread", guestPath, e);
        }
    }

    @Override
    public synchronized int write(final long offset, final ByteBuffer src) throws IOException {
        check("write");
        owner.transferred(src.remaining());
        try {
            return shielded(() -> {
                int written = 0;
                while (src.hasRemaining()) {
                    written += append ? channel.write(src) : channel.write(src, offset + written);
                }
                return written;
            });
        } catch (final IOException e) {
            throw HostDirectoryOperations.failure("pwrite", guestPath, e);
        }
    }

    /** {@code fstat}: the path's attributes with the channel's size (the file may be gone from its name). */
    @Override
    public synchronized GuestStat stat() throws IOException {
        check("fstat");
        try {
            final long size = shielded(channel::size);
            if (!Files.exists(file)) {
                return new GuestStat(GuestStat.S_IFREG | 0644, 0, 0, 0, size, 0, 0, null, null, null, 0);
            }
            final GuestStat stat = HostDirectoryOperations.statOf(file, true);
            return new GuestStat(stat.mode(), stat.uid(), stat.gid(), stat.nlink(), size, stat.inode(), stat.device(),
                    stat.atime(), stat.mtime(), stat.ctime(), stat.blocks());
        } catch (final IOException e) {
            throw HostDirectoryOperations.failure("fstat", guestPath, e);
        }
    }

    @Override
    public synchronized void truncate(final long size) throws IOException {
        check("ftruncate");
        try {
            shielded(() -> {
                resize(channel, size);
                return null;
            });
        } catch (final IOException e) {
            throw HostDirectoryOperations.failure("ftruncate", guestPath, e);
        }
    }

    @Override
    public synchronized void sync() throws IOException {
        check("fsync");
        try {
            shielded(() -> {
                channel.force(true);
                return null;
            });
        } catch (final IOException e) {
            throw HostDirectoryOperations.failure("fsync", guestPath, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        owner.closed();
        channel.close();
    }

    /** {@code ftruncate}: shrinks or grows (with zeros) to {@code size}. */
    static void resize(final FileChannel channel, final long size) throws IOException {
        if (size < channel.size()) {
            channel.truncate(size);
        } else if (size > channel.size()) {
            channel.write(ByteBuffer.allocate(1), size - 1);
        }
    }

    /**
     * Runs host I/O with the caller's interrupt status put aside: the host's channels close when interrupted,
     * an agent in a guest does not notice the host thread's interrupts.
     */
    private static <T> T shielded(final HostCall<T> call) throws IOException {
        final boolean interrupted = Thread.interrupted();
        try {
            return call.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Host I/O. */
    @FunctionalInterface
    private interface HostCall<T> {
        T run() throws IOException;
    }

    private void check(final String call) throws IOException {
        if (closed) {
            throw new AgentException(HostDirectoryOperations.EBADF, call + " " + guestPath + ": Bad file descriptor");
        }
        owner.check(call, guestPath);
    }
}
