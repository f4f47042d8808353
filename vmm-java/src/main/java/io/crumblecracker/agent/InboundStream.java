package io.crumblecracker.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream from a guest process (stdout or stderr) as a host {@link InputStream}. The agent may have at
 * most {@link #window} bytes unacknowledged, so the buffer is a fixed ring of that size and the receiving
 * thread never waits; the reader acknowledges what it takes, a quarter window at a time.
 */
final class InboundStream extends InputStream {
    /** Sends an ACK for consumed bytes. */
    @FunctionalInterface
    interface Acknowledger {
        void ack(int bytes) throws IOException;
    }

    private final int stream;
    private final byte[] ring;
    private final Acknowledger acknowledger;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int head;
    private int count;
    private int unacknowledged;
    private boolean eof;
    private IOException failure;
    private boolean closedByReader;

    InboundStream(final int stream, final int window, final Acknowledger acknowledger) {
        this.stream = stream;
        this.ring = new byte[window];
        this.acknowledger = acknowledger;
    }

    /** The receiving thread's delivery of one DATA frame. */
    void offer(final ByteBuffer data) throws ProtocolException {
        final boolean discarded;
        lock.lock();
        try {
            if (eof) {
                throw new ProtocolException("DATA on stream " + stream + " after its EOF");
            }
            if (data.remaining() > ring.length - count - unacknowledged) {
                throw new ProtocolException("stream " + stream + " overran its window of " + ring.length
                        + " bytes");
            }
            discarded = closedByReader;
            if (discarded) {
                unacknowledged += data.remaining();
                data.position(data.limit());
            } else {
                while (data.hasRemaining()) {
                    final int tail = (head + count) % ring.length;
                    final int contiguous = tail < head ? head - tail : ring.length - tail;
                    final int n = Math.min(data.remaining(), contiguous);
                    data.get(ring, tail, n);
                    count += n;
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (discarded) {
            acknowledgeDiscarded();
        }
    }

    /** The agent's EOF: readers get -1 once the buffer is empty. */
    void end() {
        lock.lock();
        try {
            eof = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection failed: readers get {@code cause} once the buffer is empty. */
    void fail(final IOException cause) {
        lock.lock();
        try {
            if (!eof && failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

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
        int n;
        int ack = 0;
        lock.lock();
        try {
            while (count == 0) {
                if (eof || closedByReader) {
                    return -1;
                }
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                changed.await();
            }
            n = Math.min(len, Math.min(count, ring.length - head));
            System.arraycopy(ring, head, b, off, n);
            head = (head + n) % ring.length;
            count -= n;
            unacknowledged += n;
            if (unacknowledged >= ring.length / 4) {
                ack = unacknowledged;
                unacknowledged = 0;
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a guest process's output");
        } finally {
            lock.unlock();
        }
        if (ack > 0) {
            acknowledger.ack(ack);
        }
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Discards buffered and future data, acknowledging it so the process is never blocked by it. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closedByReader = true;
            unacknowledged += count;
            count = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        acknowledgeDiscarded();
    }

    private void acknowledgeDiscarded() {
        int ack;
        lock.lock();
        try {
            ack = unacknowledged;
            unacknowledged = 0;
        } finally {
            lock.unlock();
        }
        if (ack > 0) {
            try {
                acknowledger.ack(ack);
            } catch (final IOException ignored) {
                // The process is gone or going; nothing waits for this credit.
            }
        }
    }
}
