package io.crumblecracker.api;

import io.crumblecracker.agent.ExecSession;
import io.crumblecracker.agent.ExitStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process running in a guest, as a {@link Process}: its streams are the guest process's stdin, stdout
 * and stderr (flow-controlled end to end, so a slow reader slows the guest process, as with a pipe),
 * {@link #destroy()} sends SIGTERM and {@link #destroyForcibly()} SIGKILL, and {@link #pid()} is its pid
 * in the guest. A process killed by a signal has exit value 128 + the signal, as in a shell.
 *
 * <p>If the VM stops while the process runs, its streams fail with {@link VmNotRunningException} and it
 * counts as killed by SIGKILL; {@link #failure()} then says why.
 *
 * <p>{@link #toHandle()} and {@link #info()} are not supported: the process is not one of this host's.
 */
public final class GuestProcess extends Process {
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final ExecSession session;
    private final List<String> command;
    private final InputStream stdout;
    private final InputStream stderr;
    private final OutputStream stdin;
    private final CompletableFuture<Process> onExit;

    GuestProcess(final ExecSession session, final List<String> command, final InputStream stdout,
            final InputStream stderr, final OutputStream stdin) {
        this.session = session;
        this.command = List.copyOf(command);
        this.stdout = stdout;
        this.stderr = stderr;
        this.stdin = stdin;
        this.onExit = session.exit().handle((status, failure) -> this);
    }

    /** The command line it runs. */
    public List<String> command() {
        return command;
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            session.exit().get();
        } catch (final ExecutionException e) {
            // Ended with the VM: counts as SIGKILL (see failure()).
        }
        return exitValue();
    }

    @Override
    public boolean waitFor(final long timeout, final TimeUnit unit) throws InterruptedException {
        try {
            session.exit().get(timeout, unit);
        } catch (final ExecutionException e) {
            return true;
        } catch (final TimeoutException e) {
            return false;
        }
        return true;
    }

    @Override
    public int exitValue() {
        if (!session.exit().isDone()) {
            throw new IllegalThreadStateException("process " + pid() + " " + command + " has not exited");
        }
        return session.exit().isCompletedExceptionally() ? 128 + SIGKILL : session.exit().join().exitValue();
    }

    /** The signal that killed it, if one did. */
    public OptionalInt exitSignal() {
        if (!session.exit().isDone() || session.exit().isCompletedExceptionally()) {
            return session.exit().isCompletedExceptionally() ? OptionalInt.of(SIGKILL) : OptionalInt.empty();
        }
        final ExitStatus status = session.exit().join();
        return status.signal() == 0 ? OptionalInt.empty() : OptionalInt.of(status.signal());
    }

    /** Why the process ended without an exit status (its VM stopped), or {@code null}. */
    public IOException failure() {
        if (!session.exit().isCompletedExceptionally()) {
            return null;
        }
        try {
            session.exit().join();
            return null;
        } catch (final java.util.concurrent.CompletionException e) {
            return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    @Override
    public void destroy() {
        signal(SIGTERM);
    }

    @Override
    public Process destroyForcibly() {
        signal(SIGKILL);
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean isAlive() {
        return !session.exit().isDone();
    }

    @Override
    public long pid() {
        return session.pid();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return onExit;
    }

    /**
     * Sends {@code signal} (1 to 64) to the process; nothing happens if it has exited.
     *
     * @throws UncheckedIOException if the VM is not running
     */
    public void signal(final int signal) {
        try {
            session.signal(signal);
        } catch (final IOException e) {
            if (isAlive()) {
                throw new UncheckedIOException("cannot signal process " + pid() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Resizes its terminal (it gets SIGWINCH); ignored unless it was started with a terminal. */
    public void resizeTerminal(final int rows, final int cols) throws IOException {
        session.resize(rows, cols);
    }

    @Override
    public String toString() {
        return "GuestProcess[pid=" + pid() + ", command=" + command + (isAlive() ? ", running]"
                : ", exitValue=" + exitValue() + "]");
    }
}
