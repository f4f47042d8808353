package io.crumblecracker.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link GuestFileOperations} over the agent protocol: each call borrows a pooled connection for one
 * request and its reply; an open file gets a connection of its own (its handle lives in the agent process
 * serving that connection).
 */
final class FileClient implements GuestFileOperations {
    /** utimensat's UTIME_OMIT, as the protocol carries it. */
    private static final int UTIME_OMIT = 0x3FFFFFFE;

    private final AgentConnector connector;
    private final ConnectionPool pool;
    private final FailureTranslator translator;

    FileClient(final AgentConnector connector, final ConnectionPool pool, final FailureTranslator translator) {
        this.connector = connector;
        this.pool = pool;
        this.translator = translator;
    }

    @Override
    public GuestStat stat(final String path, final boolean follow) throws IOException {
        return call(FrameType.STAT, body().str(path).u8(follow ? 1 : 0),
                c -> GuestReplies.stat(c.receive().expect(FrameType.STAT_REPLY)));
    }

    @Override
    public List<GuestDirEntry> readDirectory(final String path) throws IOException {
        return call(FrameType.READDIR, body().str(path), c -> {
            final List<GuestDirEntry> entries = new ArrayList<>();
            while (true) {
                final Frame frame = c.receive();
                if (frame.type() == FrameType.DIR_END) {
                    frame.body().end();
                    return entries;
                }
                GuestReplies.entries(frame.expect(FrameType.DIR_ENTRIES), entries);
            }
        });
    }

    @Override
    public GuestFileHandle open(final String path, final int flags, final int mode) throws IOException {
        if ((flags & ~OpenFlags.ALL) != 0) {
            throw new IllegalArgumentException("unknown open flags 0x" + Integer.toHexString(flags));
        }
        final FrameConnection connection = connector.connect(FrameType.OPEN, body().str(path).u32(flags).u32(mode));
        try {
            pool.track(connection);
            final BodyReader reply = connection.receive().expect(FrameType.HANDLE);
            final int handle = reply.u32();
            reply.end();
            return new RemoteFileHandle(connection, handle, pool, translator);
        } catch (final AgentException | RuntimeException e) {
            pool.untrack(connection);
            connection.close();
            throw e;
        } catch (final IOException e) {
            pool.untrack(connection);
            connection.close();
            throw translator.translate(e);
        }
    }

    @Override
    public void createDirectory(final String path, final int mode) throws IOException {
        ok(FrameType.MKDIR, body().str(path).u32(mode));
    }

    @Override
    public void remove(final String path) throws IOException {
        ok(FrameType.REMOVE, body().str(path));
    }

    @Override
    public void rename(final String from, final String to, final boolean noReplace) throws IOException {
        ok(FrameType.RENAME, body().str(from).str(to).u32(noReplace ? 1 : 0));
    }

    @Override
    public void createSymbolicLink(final String target, final String link) throws IOException {
        ok(FrameType.SYMLINK, body().str(target).str(link));
    }

    @Override
    public String readSymbolicLink(final String path) throws IOException {
        return call(FrameType.READLINK, body().str(path),
                c -> GuestReplies.path(c.receive().expect(FrameType.PATH_REPLY)));
    }

    @Override
    public void createLink(final String existing, final String link) throws IOException {
        ok(FrameType.LINK, body().str(existing).str(link));
    }

    @Override
    public void chmod(final String path, final int mode) throws IOException {
        ok(FrameType.CHMOD, body().str(path).u32(mode));
    }

    @Override
    public void chown(final String path, final int uid, final int gid, final boolean follow) throws IOException {
        ok(FrameType.CHOWN, body().str(path).u32(uid).u32(gid).u8(follow ? 1 : 0));
    }

    @Override
    public void setTimes(final String path, final FileTime atime, final FileTime mtime, final boolean follow)
            throws IOException {
        final BodyWriter body = body().str(path).u8(follow ? 1 : 0);
        time(body, atime);
        time(body, mtime);
        ok(FrameType.UTIMES, body);
    }

    @Override
    public void access(final String path, final int mode) throws IOException {
        ok(FrameType.ACCESS, body().str(path).u32(mode));
    }

    @Override
    public String realPath(final String path) throws IOException {
        return call(FrameType.REALPATH, body().str(path),
                c -> GuestReplies.path(c.receive().expect(FrameType.PATH_REPLY)));
    }

    @Override
    public GuestStatFs statFs(final String path) throws IOException {
        return call(FrameType.STATFS, body().str(path),
                c -> GuestReplies.statFs(c.receive().expect(FrameType.STATFS_REPLY)));
    }

    @Override
    public void truncate(final String path, final long size) throws IOException {
        ok(FrameType.TRUNCATE, body().str(path).u64(size));
    }

    @Override
    public void sync() throws IOException {
        ok(FrameType.SYNC, body());
    }

    /** Sends a signal to a guest process (by pid, from a connection of its own). */
    void kill(final int pid, final int signal) throws IOException {
        ok(FrameType.KILL, body().u32(pid).u32(signal));
    }

    /** Asks the agent to answer; proves it serves requests. */
    void ping() throws IOException {
        ok(FrameType.PING, body());
    }

    /** Asks the agent to stop the VM; its OK is the last thing it says. */
    void shutdown() throws IOException {
        ok(FrameType.SHUTDOWN, body().u8(0));
    }

    private void ok(final int type, final BodyWriter body) throws IOException {
        call(type, body, c -> {
            c.receive().expect(FrameType.OK).end();
            return null;
        });
    }

    private <T> T call(final int type, final BodyWriter body, final AgentCall<T> exchange) throws IOException {
        final FrameConnection connection = pool.borrow();
        try {
            connection.send(type, body);
            final T result = exchange.exchange(connection);
            pool.release(connection);
            return result;
        } catch (final ProtocolException e) {
            pool.discard(connection);
            throw e;
        } catch (final AgentException e) {
            pool.release(connection);
            throw e;
        } catch (final RuntimeException e) {
            pool.discard(connection);
            throw e;
        } catch (final IOException e) {
            pool.discard(connection);
            throw translator.translate(e);
        }
    }

    private static BodyWriter body() {
        return new BodyWriter(256);
    }

    private static void time(final BodyWriter body, final FileTime time) {
        if (time == null) {
            body.u64(0).u32(UTIME_OMIT);
            return;
        }
        final long seconds = time.to(TimeUnit.SECONDS);
        final long nanos = time.to(TimeUnit.NANOSECONDS) - TimeUnit.SECONDS.toNanos(seconds);
        body.u64(seconds).u32((int) Math.floorMod(nanos, 1_000_000_000L));
    }

    /** A {@link GuestFileHandle} on its own connection. */
    private static final class RemoteFileHandle implements GuestFileHandle {
        private final FrameConnection connection;
        private final int handle;
        private final ConnectionPool pool;
        private final FailureTranslator translator;
        private final BodyWriter prefix = new BodyWriter(32);
        private boolean closed;

        RemoteFileHandle(final FrameConnection connection, final int handle, final ConnectionPool pool,
                final FailureTranslator translator) {
            this.connection = connection;
            this.handle = handle;
            this.pool = pool;
            this.translator = translator;
        }

        @Override
        public synchronized int read(final long offset, final ByteBuffer dst) throws IOException {
            try {
                return doRead(offset, dst);
            } catch (final AgentException e) {
                throw e;
            } catch (final IOException e) {
                throw translator.translate(e);
            }
        }

        private int doRead(final long offset, final ByteBuffer dst) throws IOException {
            checkOpen();
            final int length = Math.min(dst.remaining(), Wire.MAX_IO_CHUNK);
            connection.send(FrameType.PREAD, prefix.clear().u32(handle).u64(offset).u32(length));
            final ByteBuffer data = connection.receive().expect(FrameType.DATA_REPLY).rest();
            if (data.remaining() > length) {
                throw new ProtocolException("DATA_REPLY: " + data.remaining() + " bytes for a read of " + length);
            }
            if (data.remaining() == 0 && length > 0) {
                return -1;
            }
            final int n = data.remaining();
            dst.put(data);
            return n;
        }

        @Override
        public synchronized int write(final long offset, final ByteBuffer src) throws IOException {
            try {
                return doWrite(offset, src);
            } catch (final AgentException e) {
                throw e;
            } catch (final IOException e) {
                throw translator.translate(e);
            }
        }

        private int doWrite(final long offset, final ByteBuffer src) throws IOException {
            checkOpen();
            int total = 0;
            final byte[] chunk = new byte[Math.min(src.remaining(), Wire.MAX_IO_CHUNK)];
            while (src.hasRemaining()) {
                final int length = Math.min(src.remaining(), chunk.length);
                src.get(chunk, 0, length);
                connection.send(FrameType.PWRITE, prefix.clear().u32(handle).u64(offset + total), chunk, 0, length);
                final BodyReader reply = connection.receive().expect(FrameType.COUNT);
                final long written = reply.u64();
                reply.end();
                if (written != length) {
                    throw new ProtocolException("COUNT: " + written + " bytes written of " + length);
                }
                total += length;
            }
            return total;
        }

        @Override
        public synchronized GuestStat stat() throws IOException {
            checkOpen();
            connection.send(FrameType.FSTAT, prefix.clear().u32(handle));
            return GuestReplies.stat(connection.receive().expect(FrameType.STAT_REPLY));
        }

        @Override
        public synchronized void truncate(final long size) throws IOException {
            simple(FrameType.FTRUNCATE, prefix.clear().u32(handle).u64(size));
        }

        @Override
        public synchronized void sync() throws IOException {
            simple(FrameType.FSYNC, prefix.clear().u32(handle));
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                connection.send(FrameType.CLOSE, prefix.clear().u32(handle));
                connection.receive().expect(FrameType.OK).end();
            } finally {
                pool.untrack(connection);
                connection.close();
            }
        }

        private void simple(final int type, final BodyWriter body) throws IOException {
            checkOpen();
            try {
                connection.send(type, body);
                connection.receive().expect(FrameType.OK).end();
            } catch (final AgentException e) {
                throw e;
            } catch (final IOException e) {
                throw translator.translate(e);
            }
        }

        private void checkOpen() throws IOException {
            if (closed) {
                throw new IOException("the guest file handle is closed");
            }
        }
    }
}
