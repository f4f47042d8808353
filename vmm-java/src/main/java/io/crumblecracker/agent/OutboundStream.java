package io.crumblecracker.agent;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A guest process's stdin as a host {@link OutputStream}: DATA frames of at most
 * {@link Wire#MAX_STREAM_CHUNK} bytes, never more unacknowledged than the agent's window; a write waits
 * for the agent's ACKs. {@link #close()} sends EOF.
 */
final class OutboundStream extends OutputStream {
    private final FrameConnection connection;
    private final int window;
    private final BodyWriter prefix = new BodyWriter(8);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition credit = lock.newCondition();
    private int unacknowledged;
    private boolean closed;
    private IOException failure;

    OutboundStream(final FrameConnection connection, final int window) {
        this.connection = connection;
        this.window = window;
    }

    /** The agent wrote {@code bytes} to the process. */
    void acknowledged(final int bytes) throws ProtocolException {
        lock.lock();
        try {
            if (bytes <= 0 || bytes > unacknowledged) {
                throw new ProtocolException("ACK of " + Integer.toUnsignedString(bytes) + " stdin bytes with "
                        + unacknowledged + " outstanding");
            }
            unacknowledged -= bytes;
            credit.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The process or the connection ended: writes fail with {@code cause}. */
    void fail(final IOException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            credit.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(final int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(final byte[] b, final int off, final int len) throws IOException {
        int done = 0;
        while (done < len) {
            final int chunk = awaitCredit(Math.min(len - done, Wire.MAX_STREAM_CHUNK));
            connection.send(FrameType.DATA, prefix.clear().u8(0), b, off + done, chunk);
            done += chunk;
        }
    }

    /** Sends EOF: the process's stdin closes after what was written. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (failure != null) {
                return;
            }
        } finally {
            lock.unlock();
        }
        connection.send(FrameType.EOF, prefix.clear().u8(0));
    }

    private int awaitCredit(final int wanted) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("the guest process's stdin is closed");
                }
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                final int available = window - unacknowledged;
                if (available > 0) {
                    final int granted = Math.min(available, wanted);
                    unacknowledged += granted;
                    return granted;
                }
                credit.await();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to a guest process");
        } finally {
            lock.unlock();
        }
    }
}
