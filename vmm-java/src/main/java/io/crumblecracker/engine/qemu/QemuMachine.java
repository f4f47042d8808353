package io.crumblecracker.engine.qemu;

import io.crumblecracker.api.VmException;
import io.crumblecracker.console.TailBuffer;
import io.crumblecracker.api.VmTimeoutException;
import io.crumblecracker.vhost.VhostUserServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One running QEMU process and the vhost-user backends serving its devices from this JVM.
 *
 * <p>The machine owns the process: it is killed by {@link #close()}, by a JVM shutdown hook, and as soon
 * as any backend fails (the failure is then part of the {@link QemuExit}). When QEMU exits, the backends
 * are closed and the working directory (sockets, initramfs) is deleted. The serial console goes to the
 * configuration's output stream; console input can be written to {@link #consoleInput()}.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class QemuMachine implements AutoCloseable {

    private static final int STDERR_TAIL = 64 * 1024;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TERM_GRACE = Duration.ofSeconds(3);

    private final Process process;
    private final Path workDir;
    private final List<VhostUserServer> servers;
    private final TailBuffer stderr = new TailBuffer(STDERR_TAIL);
    private final AtomicReference<Throwable> backendFailure = new AtomicReference<>();
    private final CompletableFuture<QemuExit> exit = new CompletableFuture<>();
    private final Thread shutdownHook;

    private QemuMachine(final Process process, final Path workDir, final List<VhostUserServer> servers,
            final OutputStream console) {
        this.process = process;
        this.workDir = workDir;
        this.servers = List.copyOf(servers);
        final Thread consolePump = OutputPump.start("qemu-" + process.pid() + "-console", process.getInputStream(),
                console);
        final Thread stderrPump = OutputPump.start("qemu-" + process.pid() + "-stderr", process.getErrorStream(),
                stderr);
        this.shutdownHook = new Thread(process::destroyForcibly, "qemu-" + process.pid() + "-shutdown-hook");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        for (final VhostUserServer server : servers) {
            server.done().whenComplete((ignored, failure) -> {
                if (failure != null && backendFailure.compareAndSet(null, failure)) {
                    process.destroyForcibly();
                }
            });
        }
        Thread.ofPlatform().daemon().name("qemu-" + process.pid() + "-reaper")
                .start(() -> reap(consolePump, stderrPump));
    }

    /**
     * Starts QEMU with backends for every device, and waits until QEMU has started a vhost-user session
     * with each (which it does after loading the kernel, while realizing the devices).
     *
     * @throws VmException if QEMU cannot be started or exits during start-up (its stderr is in the message)
     */
    static QemuMachine start(final Path binary, final QemuConfig config) throws VmException {
        final Path workDir;
        try {
            workDir = Files.createTempDirectory("crumble-qemu-");
        } catch (final IOException e) {
            throw new VmException("cannot create the qemu engine's working directory: " + e.getMessage(), e);
        }
        final List<VhostUserServer> servers = new ArrayList<>();
        try {
            final Path initrd = config.initramfs() == null ? null
                    : Files.write(workDir.resolve("initramfs.cpio"), config.initramfs());
            final List<Path> sockets = new ArrayList<>();
            for (int i = 0; i < config.devices().size(); i++) {
                final Path socket = workDir.resolve("vu" + i + ".sock");
                final String name = "vhost-user-" + config.devices().get(i).type().name().toLowerCase() + i;
                servers.add(VhostUserServer.start(socket, config.devices().get(i), name));
                sockets.add(socket);
            }
            final List<String> command = QemuCommandLine.build(binary, config, initrd, sockets);
            final Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
            final QemuMachine machine = new QemuMachine(process, workDir, servers, config.consoleOut());
            machine.awaitStartup(command);
            return machine;
        } catch (final IOException e) {
            servers.forEach(VhostUserServer::close);
            deleteRecursively(workDir);
            throw e instanceof VmException vm ? vm : new VmException("cannot start QEMU: " + e.getMessage(), e);
        }
    }

    /** QEMU's process id. */
    public long pid() {
        return process.pid();
    }

    /** True until QEMU has exited. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** QEMU's standard input, which is the serial console's input. */
    public OutputStream consoleInput() {
        return process.getOutputStream();
    }

    /** Completes when QEMU has exited and the backends are closed. */
    public CompletableFuture<QemuExit> onExit() {
        return exit;
    }

    /**
     * Waits for QEMU to exit (the guest rebooting ends it).
     *
     * @throws VmTimeoutException if it is still running after {@code timeout}; it is left running
     */
    public QemuExit awaitExit(final Duration timeout) throws VmTimeoutException, InterruptedException {
        try {
            return exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            throw new VmTimeoutException("QEMU pid " + pid() + " still running after " + timeout, e);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("the QEMU reaper failed", e.getCause());
        }
    }

    /** Kills QEMU (SIGTERM, then SIGKILL after 3 s), closes the backends and deletes temporary files. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (final InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        exit.join();
    }

    private void awaitStartup(final List<String> command) throws VmException {
        final long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!servers.stream().allMatch(VhostUserServer::isSessionStarted)) {
            if (exit.isDone() || System.nanoTime() > deadline) {
                final boolean exited = exit.isDone();
                close();
                final String why = exited ? exit.join().describe() : "it did not start a session on every vhost-user socket"
                        + " within " + STARTUP_TIMEOUT + "\nQEMU stderr:\n" + stderr.text();
                throw new VmException("QEMU failed to start: " + why + "\ncommand: "
                        + QemuCommandLine.display(command));
            }
            sleep();
        }
    }

    private void reap(final Thread consolePump, final Thread stderrPump) {
        int code;
        try {
            code = process.waitFor();
            consolePump.join(Duration.ofSeconds(2));
            stderrPump.join(Duration.ofSeconds(2));
        } catch (final InterruptedException e) {
            code = -1;
        }
        servers.forEach(VhostUserServer::close);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (final IllegalStateException shuttingDown) {
            // The JVM is exiting; the hook has run or will run harmlessly.
        }
        deleteRecursively(workDir);
        exit.complete(new QemuExit(code, stderr.text(), backendFailure.get()));
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (final IOException e) {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
