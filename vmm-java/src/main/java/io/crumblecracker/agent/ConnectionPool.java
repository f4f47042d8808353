package io.crumblecracker.agent;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle file/control connections to one agent, reused one request at a time. A connection that failed is
 * closed rather than returned, so a broken stream never carries a second request.
 */
final class ConnectionPool implements AutoCloseable {
    private static final int MAX_IDLE = 8;

    private final AgentConnector connector;
    private final ArrayDeque<FrameConnection> idle = new ArrayDeque<>();
    private final List<FrameConnection> all = new ArrayList<>();
    private boolean closed;

    ConnectionPool(final AgentConnector connector) {
        this.connector = connector;
    }

    /** An idle connection, or a new one. */
    FrameConnection borrow() throws IOException {
        synchronized (this) {
            checkOpen();
            final FrameConnection reused = idle.poll();
            if (reused != null) {
                return reused;
            }
        }
        final FrameConnection fresh = connector.connect();
        synchronized (this) {
            if (closed) {
                fresh.close();
                checkOpen();
            }
            all.add(fresh);
        }
        return fresh;
    }

    /** Returns a connection whose last exchange completed. */
    synchronized void release(final FrameConnection connection) {
        if (closed || idle.size() >= MAX_IDLE) {
            discard(connection);
        } else {
            idle.push(connection);
        }
    }

    /** Closes a connection whose stream may be out of step. */
    synchronized void discard(final FrameConnection connection) {
        all.remove(connection);
        connection.close();
    }

    /** Tracks a connection that is not pooled (an exec or file-handle connection) so close() ends it. */
    synchronized void track(final FrameConnection connection) throws IOException {
        if (closed) {
            connection.close();
            checkOpen();
        }
        all.add(connection);
    }

    /** Stops tracking a connection its owner closed. */
    synchronized void untrack(final FrameConnection connection) {
        all.remove(connection);
    }

    /** Closes every connection, idle or in use; later borrows fail. */
    @Override
    public synchronized void close() {
        closed = true;
        all.forEach(FrameConnection::close);
        all.clear();
        idle.clear();
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw connector.translate(new IOException("the connection to the agent (" + connector.describe()
                    + ") is closed"));
        }
    }
}
