package io.crumblecracker.agent;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * One process in the guest and its connection (docs/agent-protocol.md, "Exec"): stdin, stdout and stderr
 * as windowed streams, signals, terminal size, and the exit status. A virtual thread receives the agent's
 * frames and routes them; it never waits on a consumer, so SIGNAL, RESIZE and ACK always get through.
 *
 * <p>If the connection ends before EXIT (the VM stopped, the agent died), {@link #exit()} completes
 * exceptionally and the streams fail with the same {@link IOException}.
 */
public final class ExecSession implements AutoCloseable {
    /** How many stdout and stderr bytes (each) the agent may send ahead of the host's reader. */
    static final int HOST_WINDOW = 256 * 1024;
    private static final int MAX_AGENT_WINDOW = 16 << 20;

    private final FrameConnection connection;
    private final ConnectionPool pool;
    private final FailureTranslator translator;
    private final int pid;
    private final InboundStream stdout;
    private final InboundStream stderr;
    private final OutboundStream stdin;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final BodyWriter control = new BodyWriter(16);
    private volatile boolean stdoutEnded;
    private volatile boolean stderrEnded;

    private ExecSession(final FrameConnection connection, final ConnectionPool pool, final int pid,
            final int stdinWindow, final ExecRequest request, final FailureTranslator translator) {
        this.translator = translator;
        this.connection = connection;
        this.pool = pool;
        this.pid = pid;
        this.stdout = new InboundStream(1, HOST_WINDOW, bytes -> ack(1, bytes));
        this.stderr = new InboundStream(2, HOST_WINDOW, bytes -> ack(2, bytes));
        this.stdin = new OutboundStream(connection, stdinWindow);
        this.stderrEnded = request.terminal() || request.mergeStderr();
        if (stderrEnded) {
            stderr.end();
        }
    }

    /**
     * Starts {@code request} on a new connection.
     *
     * @throws AgentException if the guest could not start it (no such program, bad directory, unknown user)
     */
    static ExecSession start(final AgentConnector connector, final ConnectionPool pool, final ExecRequest request,
            final String threadName, final FailureTranslator translator) throws IOException {
        final BodyWriter exec = new BodyWriter(1024).u32(request.flags()).strs(request.argv()).strs(request.env())
                .str(request.directory()).str(request.user()).u16(request.rows()).u16(request.cols())
                .u32(HOST_WINDOW);
        final FrameConnection connection = connector.connect(FrameType.EXEC, exec);
        try {
            pool.track(connection);
            final BodyReader started = connection.receive().expect(FrameType.STARTED);
            final int pid = started.u32();
            final int stdinWindow = started.u32();
            started.end();
            if (pid <= 0 || stdinWindow < 0 || stdinWindow > MAX_AGENT_WINDOW
                    || (stdinWindow == 0 && request.stdin())) {
                throw new ProtocolException("STARTED: pid " + Integer.toUnsignedString(pid) + " window "
                        + Integer.toUnsignedString(stdinWindow));
            }
            final ExecSession session = new ExecSession(connection, pool, pid, stdinWindow, request, translator);
            Thread.ofVirtual().name(threadName + "-pid" + pid).start(session::receiveLoop);
            return session;
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

    /** The process id in the guest. */
    public int pid() {
        return pid;
    }

    /** The process's stdin (EOF on close). */
    public OutputStream stdin() {
        return stdin;
    }

    /** The process's stdout (and stderr when merged, and the terminal's output). */
    public InputStream stdout() {
        return stdout;
    }

    /** The process's stderr; empty when merged or with a terminal. */
    public InputStream stderr() {
        return stderr;
    }

    /** Completes with the exit status, or exceptionally if the connection ended first. */
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /** Sends {@code signal} to the process unless it has exited (then nothing happens). */
    public void signal(final int signal) throws IOException {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal " + signal + " is not between 1 and 64");
        }
        if (exit.isDone()) {
            return;
        }
        synchronized (control) {
            connection.send(FrameType.SIGNAL, control.clear().u32(signal));
        }
    }

    /** Changes the terminal's size (the process gets SIGWINCH); ignored without a terminal. */
    public void resize(final int rows, final int cols) throws IOException {
        if (rows < 1 || rows > 0xFFFF || cols < 1 || cols > 0xFFFF) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is out of range");
        }
        synchronized (control) {
            connection.send(FrameType.RESIZE, control.clear().u16(rows).u16(cols));
        }
    }

    /** Closes the connection; the agent kills the process if it is still running. */
    @Override
    public void close() {
        pool.untrack(connection);
        connection.close();
    }

    /**
     * Returns credit for consumed output. A failure is ignored: the bytes are already here, and a broken
     * connection is reported by the receiving thread (or the session has simply finished).
     */
    private void ack(final int stream, final int bytes) {
        if (exit.isDone() && stdoutEnded && stderrEnded) {
            return;
        }
        synchronized (control) {
            try {
                connection.send(FrameType.ACK, control.clear().u8(stream).u32(bytes));
            } catch (final IOException finished) {
                // See above.
            }
        }
    }

    private void receiveLoop() {
        IOException failure = null;
        try {
            while (!(exit.isDone() && stdoutEnded && stderrEnded)) {
                dispatch(connection.receive());
            }
        } catch (final EOFException e) {
            failure = new IOException("the guest agent closed the connection of process " + pid
                    + " before it finished (the VM stopped?)", e);
        } catch (final IOException e) {
            failure = e;
        } finally {
            close();
            if (failure == null) {
                failure = new IOException("process " + pid + "'s connection is closed");
            }
            failure = translator.translate(failure);
            exit.completeExceptionally(failure);
            stdout.fail(failure);
            stderr.fail(failure);
            stdin.fail(failure);
        }
    }

    private void dispatch(final Frame frame) throws IOException {
        final BodyReader body = frame.body();
        switch (frame.type()) {
            case FrameType.DATA -> {
                final InboundStream target = output(body.u8());
                target.offer(body.rest());
            }
            case FrameType.ACK -> {
                final int stream = body.u8();
                final int bytes = body.u32();
                body.end();
                if (stream != 0) {
                    throw new ProtocolException("ACK for stream " + stream + " from the agent");
                }
                stdin.acknowledged(bytes);
            }
            case FrameType.EOF -> {
                final int stream = body.u8();
                body.end();
                output(stream).end();
                if (stream == 1) {
                    stdoutEnded = true;
                } else {
                    stderrEnded = true;
                }
            }
            case FrameType.EXIT -> {
                final int code = body.u32();
                final int signal = body.u32();
                body.end();
                if (exit.isDone() || signal < 0 || signal > 64 || (signal == 0) == (code < 0)) {
                    throw new ProtocolException("EXIT code " + code + " signal " + signal);
                }
                stdin.fail(new IOException("process " + pid + " has exited"));
                exit.complete(new ExitStatus(code, signal));
            }
            default -> frame.expect(-1);
        }
    }

    private InboundStream output(final int stream) throws ProtocolException {
        if (stream == 1 && !stdoutEnded) {
            return stdout;
        }
        if (stream == 2 && !stderrEnded) {
            return stderr;
        }
        throw new ProtocolException("stream " + stream + " is not open for output");
    }
}
