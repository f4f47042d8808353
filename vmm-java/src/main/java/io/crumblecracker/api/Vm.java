package io.crumblecracker.api;

import io.crumblecracker.agent.AgentClient;
import io.crumblecracker.agent.AgentException;
import io.crumblecracker.agent.ExecRequest;
import io.crumblecracker.agent.ExecSession;
import io.crumblecracker.guestfs.GuestErrors;
import io.crumblecracker.guestfs.GuestFileSystem;
import io.crumblecracker.guestfs.GuestFileSystemProvider;
import io.crumblecracker.runtime.LaunchedVm;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running VM with its container: processes ({@link #command}), files ({@link #path}, a
 * {@link FileSystem} for {@code java.nio.file}), and its lifecycle. Start one with
 * {@link CrumbleCracker#run}; close it (try-with-resources) to shut it down.
 *
 * <pre>{@code
 * try (Vm vm = CrumbleCracker.run(image, Options.memoryMiB(256))) {
 *     Files.writeString(vm.path("/code/x.sh"), "echo hi");
 *     String out = vm.command("sh", "/code/x.sh").output();
 * }
 * }</pre>
 *
 * <p>After {@link #close()} every operation throws {@link VmClosedException}; after the VM stopped on its
 * own, {@link VmNotRunningException}; after its lifetime ({@link Options#timeout}) expired,
 * {@link VmTimeoutException}. Thread safety: every method may be called from any thread.
 */
public final class Vm implements AutoCloseable {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    private static final Duration BROKEN_CONNECTION_GRACE = Duration.ofSeconds(3);

    private enum State { RUNNING, CLOSING, CLOSED, TIMED_OUT, STOPPED }

    private final LaunchedVm launched;
    private final ImageConfig image;
    private final Options options;
    private final AgentClient agent;
    private final GuestFileSystem fileSystem;
    private final CompletableFuture<VmExit> exit = new CompletableFuture<>();
    private volatile State state = State.RUNNING;

    Vm(final LaunchedVm launched, final ImageConfig image, final Options options) {
        this.launched = launched;
        this.image = image;
        this.options = options;
        this.agent = new AgentClient(() -> {
            checkRunning();
            return launched.transport().open();
        }, "vm-" + launched.id().substring(0, 8), this::translate);
        this.fileSystem = GuestFileSystemProvider.instance().open(launched.id(), agent.files());
        launched.machine().onExit().whenComplete((detail, failure) -> ended(detail));
        if (options.lifetime() != null) {
            CompletableFuture.delayedExecutor(options.lifetime().toNanos(), TimeUnit.NANOSECONDS)
                    .execute(this::expire);
        }
    }

    /** The VM's id (a UUID). */
    public String id() {
        return launched.id();
    }

    /** The engine running it, and why it was chosen. */
    public String engine() {
        return launched.choice().describe();
    }

    /** The guest kernel's release. */
    public String kernelRelease() {
        return launched.ready().kernelRelease();
    }

    /** True until it is closed, stops, or its lifetime expires. */
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** Completes when the VM has ended, with why. */
    public CompletableFuture<VmExit> onExit() {
        return exit;
    }

    /** The last few KiB of the serial console (kernel messages, agent errors). */
    public String consoleTail() {
        return launched.console().tail();
    }

    /**
     * A process to run: {@code command[0]} is searched in the guest's {@code PATH} unless it has a
     * {@code /}. Environment, directory and user start from the image and the VM's options.
     */
    public GuestProcessBuilder command(final String... command) {
        return command(Arrays.asList(command));
    }

    /** A process to run (see {@link #command(String...)}). */
    public GuestProcessBuilder command(final List<String> command) {
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        for (final String entry : image.env()) {
            final int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        env.putAll(options.environment());
        final String directory = options.directory() != null ? options.directory()
                : image.workingDir().isEmpty() ? "/" : image.workingDir();
        final String user = options.userName() != null ? options.userName() : image.user();
        return new GuestProcessBuilder(this, command, env, directory, user);
    }

    /**
     * The image's entrypoint command: its ENTRYPOINT followed by {@code arguments}, or by its CMD when there
     * are none ({@code /bin/sh} if the image declares neither).
     */
    public GuestProcessBuilder entrypoint(final String... arguments) {
        return command(image.command(Arrays.asList(arguments)));
    }

    /** The image's configuration. */
    public ImageConfig imageConfig() {
        return image;
    }

    /** A path in the guest's file system, for {@code java.nio.file.Files}. */
    public Path path(final String first, final String... more) {
        return fileSystem.getPath(first, more);
    }

    /** The guest's file system; closed with the VM. */
    public FileSystem fileSystem() {
        return fileSystem;
    }

    /**
     * Shuts the VM down: the agent stops every process (SIGTERM, then SIGKILL after 1 s), syncs and resets
     * the VM; if it does not end within 10 s it is killed. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED || state == State.CLOSING) {
                return;
            }
            final boolean wasRunning = state == State.RUNNING;
            state = State.CLOSING;
            if (wasRunning) {
                try {
                    agent.shutdown();
                } catch (final IOException e) {
                    // The VM is going away regardless; it is killed below if it does not end.
                }
            }
        }
        try {
            launched.machine().onExit().get(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException | java.util.concurrent.ExecutionException e) {
            launched.machine().kill();
        } catch (final InterruptedException e) {
            launched.machine().kill();
            Thread.currentThread().interrupt();
        }
        state = State.CLOSED;
        release();
        exit.complete(new VmExit(VmExit.Reason.CLOSED, launched.machine().onExit().getNow("killed"), consoleTail()));
    }

    /** Ends the VM at once, without shutting down the guest. */
    public void kill() {
        synchronized (this) {
            if (state == State.RUNNING) {
                state = State.STOPPED;
            }
        }
        launched.machine().kill();
    }

    ExecSession exec(final ExecRequest request) throws IOException {
        checkRunning();
        try {
            return agent.exec(request);
        } catch (final AgentException e) {
            throw GuestErrors.translate(e, request.argv().get(0), null);
        }
    }

    /** Throws the exception that says why the VM cannot serve requests, if it cannot. */
    void checkRunning() throws VmException {
        switch (state) {
            case RUNNING -> {
            }
            case CLOSING, CLOSED -> throw new VmClosedException("VM " + id() + " is closed");
            case TIMED_OUT -> throw new VmTimeoutException("VM " + id() + " was killed: its lifetime of "
                    + options.lifetime() + " expired");
            case STOPPED -> throw new VmNotRunningException("VM " + id() + " is not running ("
                    + launched.machine().onExit().getNow("killed") + ")");
        }
    }

    private IOException translate(final IOException failure) {
        if (failure instanceof VmException) {
            return failure;
        }
        if (state == State.RUNNING) {
            // A connection that breaks almost always means the VM is ending; give the engine a moment to
            // notice, so the caller learns that rather than "connection closed".
            try {
                launched.machine().onExit().get(BROKEN_CONNECTION_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final TimeoutException | java.util.concurrent.ExecutionException stillRunning) {
                return failure;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return failure;
            }
            ended(launched.machine().onExit().getNow(null));
        }
        try {
            checkRunning();
        } catch (final VmException state) {
            state.initCause(failure);
            return state;
        }
        return failure;
    }

    private void expire() {
        synchronized (this) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.TIMED_OUT;
        }
        launched.machine().kill();
    }

    private void ended(final String detail) {
        final State at;
        synchronized (this) {
            if (state == State.RUNNING) {
                state = State.STOPPED;
            }
            at = state;
        }
        if (at == State.CLOSING || at == State.CLOSED) {
            return;
        }
        agent.close();
        exit.complete(new VmExit(at == State.TIMED_OUT ? VmExit.Reason.TIMEOUT : VmExit.Reason.GUEST,
                detail == null ? "ended" : detail, consoleTail()));
    }

    private void release() {
        agent.close();
        try {
            fileSystem.close();
        } catch (final IOException e) {
            // Closing a guest file system only marks it closed.
        }
    }

    @Override
    public String toString() {
        return "Vm[" + id() + ", " + state.name().toLowerCase() + "]";
    }
}
