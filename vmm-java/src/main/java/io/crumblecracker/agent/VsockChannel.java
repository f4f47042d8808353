package io.crumblecracker.agent;

import io.crumblecracker.virtio.vsock.VsockConnection;
import io.crumblecracker.virtio.vsock.VsockListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blocking streams over one non-blocking {@link VsockConnection}.
 *
 * <p>The device calls this listener under its own lock; the listener only sets flags and signals under
 * {@link #lock}. Streams call the connection without holding {@link #lock} and wait under it without
 * calling the connection, so the two locks are always taken in the order device, then channel.
 */
final class VsockChannel implements VsockListener, AgentChannel {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile VsockConnection connection;
    private boolean connected;
    private boolean closed;
    private boolean readable;
    private boolean writable;
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    /** Waits until the connection is established (or refused: {@link ConnectException}). */
    void awaitConnected(final Duration timeout) throws IOException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!connected && !closed) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            if (!connected) {
                final VsockConnection c = connection;
                if (c != null) {
                    c.abort();
                }
                throw new ConnectException(closed ? "the agent refused the vsock connection (not listening yet?)"
                        : "the agent did not answer a vsock connection within " + timeout);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to the agent");
        } finally {
            lock.unlock();
        }
    }

    /** Adopts the connection the device created for this listener. */
    void attach(final VsockConnection attached) {
        this.connection = attached;
    }

    @Override
    public void onConnected(final VsockConnection c) {
        connection = c;
        signal(() -> connected = true);
    }

    @Override
    public void onReadable(final VsockConnection c) {
        signal(() -> readable = true);
    }

    @Override
    public void onWritable(final VsockConnection c) {
        signal(() -> writable = true);
    }

    @Override
    public void onShutdown(final VsockConnection c, final int flags) {
        signal(() -> readable = true);
    }

    @Override
    public void onClosed(final VsockConnection c) {
        signal(() -> closed = true);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void close() {
        final VsockConnection c = connection;
        if (c != null) {
            c.abort();
        }
        signal(() -> closed = true);
    }

    private void signal(final Runnable update) {
        lock.lock();
        try {
            update.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for {@code flag} (readable or writable) or close, then clears the flag. */
    private void await(final boolean forRead) throws IOException {
        lock.lock();
        try {
            while (!(forRead ? readable : writable) && !closed) {
                changed.await(1, TimeUnit.SECONDS);
            }
            if (forRead) {
                readable = false;
            } else {
                writable = false;
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the agent");
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            final ByteBuffer dst = ByteBuffer.wrap(b, off, len);
            while (true) {
                final int n = connection.read(dst);
                if (n != 0) {
                    return n;
                }
                if (isClosed()) {
                    final int last = connection.read(dst);
                    return last == 0 ? -1 : last;
                }
                await(true);
            }
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(final int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException {
            final ByteBuffer src = ByteBuffer.wrap(b, off, len);
            while (src.hasRemaining()) {
                final int n = connection.write(src);
                if (n < 0) {
                    throw new IOException("the vsock connection to the agent is closed");
                }
                if (src.hasRemaining()) {
                    await(false);
                }
            }
        }
    }
}
