package io.crumblecracker.api;

import io.crumblecracker.agent.ExecRequest;
import io.crumblecracker.agent.ExecSession;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Describes a process to run in a VM, like {@link ProcessBuilder}: command, environment (starting from the
 * image's and the VM's), working directory, user, redirects, a terminal; {@link #start()} returns a
 * {@link GuestProcess}, and {@link #run()}, {@link #output()} and {@link #combinedOutput()} run it to the end.
 *
 * <pre>{@code
 * String kernel = vm.command("uname", "-r").output().strip();
 * CommandResult r = vm.command("sh", "-c", "exit 3").run();   // r.exitCode() == 3
 * Process p = vm.command("cat").start();                        // stream through it
 * }</pre>
 *
 * <p>Not thread-safe, like {@link ProcessBuilder}.
 */
public final class GuestProcessBuilder {
    private final Vm vm;
    private List<String> command;
    private final Map<String, String> environment;
    private String directory;
    private String user;
    private boolean redirectErrorStream;
    private Redirect stdin = Redirect.PIPE;
    private Redirect stdout = Redirect.PIPE;
    private Redirect stderr = Redirect.PIPE;
    private int rows;
    private int cols;
    private boolean terminal;
    private byte[] input;
    private Duration timeout;

    GuestProcessBuilder(final Vm vm, final List<String> command, final Map<String, String> environment,
            final String directory, final String user) {
        this.vm = vm;
        this.command = List.copyOf(command);
        this.environment = new LinkedHashMap<>(environment);
        this.directory = directory;
        this.user = user;
    }

    /** Sets the command and its arguments. */
    public GuestProcessBuilder command(final String... commandLine) {
        return command(Arrays.asList(commandLine));
    }

    /** Sets the command and its arguments. */
    public GuestProcessBuilder command(final List<String> commandLine) {
        this.command = List.copyOf(commandLine);
        return this;
    }

    /** The command and its arguments. */
    public List<String> command() {
        return command;
    }

    /** The environment, mutable: the image's, the VM's options, and {@code PATH} if neither set it. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Sets one environment variable. */
    public GuestProcessBuilder env(final String key, final String value) {
        environment.put(key, value);
        return this;
    }

    /** Sets the working directory (absolute, in the guest). */
    public GuestProcessBuilder directory(final String path) {
        this.directory = Objects.requireNonNull(path, "path");
        return this;
    }

    /** The working directory. */
    public String directory() {
        return directory;
    }

    /** Sets the user: {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}; {@code ""} for root. */
    public GuestProcessBuilder user(final String name) {
        this.user = Objects.requireNonNull(name, "name");
        return this;
    }

    /** Sends stderr to the stdout stream, like {@code 2>&1}. */
    public GuestProcessBuilder redirectErrorStream(final boolean merge) {
        this.redirectErrorStream = merge;
        return this;
    }

    /** Where stdin comes from: PIPE (default: {@link Process#getOutputStream()}), a file, or INHERIT. */
    public GuestProcessBuilder redirectInput(final Redirect source) {
        if (source.type() == Redirect.Type.WRITE || source.type() == Redirect.Type.APPEND) {
            throw new IllegalArgumentException("redirect type " + source.type() + " cannot be a source");
        }
        this.stdin = source;
        return this;
    }

    /** Where stdout goes: PIPE (default), a file, INHERIT or DISCARD. */
    public GuestProcessBuilder redirectOutput(final Redirect destination) {
        this.stdout = checkDestination(destination);
        return this;
    }

    /** Where stderr goes: PIPE (default), a file, INHERIT or DISCARD. */
    public GuestProcessBuilder redirectError(final Redirect destination) {
        this.stderr = checkDestination(destination);
        return this;
    }

    /** Stdin, stdout and stderr are this JVM's. */
    public GuestProcessBuilder inheritIO() {
        stdin = Redirect.INHERIT;
        stdout = Redirect.INHERIT;
        stderr = Redirect.INHERIT;
        return this;
    }

    /** Feeds {@code bytes} to stdin and then closes it ({@link #run()} and friends; {@link #start()} too). */
    public GuestProcessBuilder input(final byte[] bytes) {
        this.input = bytes.clone();
        return this;
    }

    /** Feeds {@code text} (UTF-8) to stdin and then closes it. */
    public GuestProcessBuilder input(final String text) {
        return input(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs the process on a pseudo-terminal of {@code rows} by {@code cols}: stdin, stdout and stderr are
     * the terminal (its output comes on {@link Process#getInputStream()}); {@code TERM} defaults to
     * {@code xterm-256color}.
     */
    public GuestProcessBuilder terminal(final int terminalRows, final int terminalCols) {
        if (terminalRows < 1 || terminalRows > 0xFFFF || terminalCols < 1 || terminalCols > 0xFFFF) {
            throw new IllegalArgumentException("terminal size " + terminalRows + "x" + terminalCols
                    + " is out of range");
        }
        this.terminal = true;
        this.rows = terminalRows;
        this.cols = terminalCols;
        return this;
    }

    /** The longest {@link #run()}, {@link #output()} and {@link #combinedOutput()} wait before killing it. */
    public GuestProcessBuilder timeout(final Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeout " + limit + " must be positive");
        }
        this.timeout = limit;
        return this;
    }

    /**
     * Starts the process.
     *
     * @throws java.nio.file.NoSuchFileException if the program does not exist in the guest
     * @throws VmNotRunningException if the VM is not running ({@link VmClosedException} after close)
     * @throws IOException if the guest could not start it for another reason (bad directory, unknown user)
     */
    public GuestProcess start() throws IOException {
        return start(input);
    }

    /** Starts the process with {@code stdinBytes} as its whole stdin ({@code null}: per the redirect). */
    private GuestProcess start(final byte[] stdinBytes) throws IOException {
        final Map<String, String> env = new LinkedHashMap<>(environment);
        if (terminal) {
            env.putIfAbsent("TERM", "xterm-256color");
        }
        final List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        final boolean sendsStdin = stdinBytes == null || stdinBytes.length > 0 || terminal;
        final ExecRequest request = new ExecRequest(command, envList, directory, user, terminal, sendsStdin,
                redirectErrorStream, rows, cols);
        final ExecSession session = vm.exec(request);
        final OutputStream processStdin = wireStdin(session, stdinBytes);
        final InputStream processStdout = wireOutput(session.stdout(), stdout, System.out);
        final InputStream processStderr = wireOutput(session.stderr(), stderr, System.err);
        return new GuestProcess(session, command, processStdout, processStderr, processStdin);
    }

    /**
     * Runs the process to its end, capturing stdout and stderr; stdin is {@link #input} or empty.
     *
     * @throws VmTimeoutException if {@link #timeout} passed first (the process is killed)
     */
    public CommandResult run() throws IOException, InterruptedException {
        final byte[] stdinBytes = input == null && stdin.type() == Redirect.Type.PIPE && !terminal ? new byte[0]
                : input;
        final long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        final GuestProcess process = start(stdinBytes);
        final CompletableFuture<byte[]> out = readAsync(process.getInputStream());
        final CompletableFuture<byte[]> err = readAsync(process.getErrorStream());
        try {
            final byte[] stdoutBytes = out.get(left(deadline), TimeUnit.NANOSECONDS);
            final byte[] stderrBytes = err.get(left(deadline), TimeUnit.NANOSECONDS);
            if (!process.waitFor(left(deadline), TimeUnit.NANOSECONDS)) {
                throw new java.util.concurrent.TimeoutException();
            }
            if (process.failure() != null) {
                throw process.failure();
            }
            return new CommandResult(process.exitValue(), new String(stdoutBytes, StandardCharsets.UTF_8),
                    new String(stderrBytes, StandardCharsets.UTF_8));
        } catch (final java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new VmTimeoutException("command " + command + " did not finish within " + timeout);
        } catch (final ExecutionException e) {
            if (process.failure() != null) {
                throw process.failure();
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Runs the process to its end and returns its stdout (UTF-8).
     *
     * @throws CommandFailedException if it exits with a non-zero value (its stderr is in the message)
     */
    public String output() throws IOException, InterruptedException {
        final CommandResult result = run();
        if (!result.succeeded()) {
            throw new CommandFailedException(command, result);
        }
        return result.stdout();
    }

    /**
     * Runs the process with stderr merged into stdout and returns both (UTF-8).
     *
     * @throws CommandFailedException if it exits with a non-zero value
     */
    public String combinedOutput() throws IOException, InterruptedException {
        final boolean merged = redirectErrorStream;
        redirectErrorStream = true;
        try {
            return output();
        } finally {
            redirectErrorStream = merged;
        }
    }

    private OutputStream wireStdin(final ExecSession session, final byte[] stdinBytes) throws IOException {
        if (stdinBytes != null && stdinBytes.length == 0 && !terminal) {
            return OutputStream.nullOutputStream();
        }
        if (stdinBytes != null) {
            pump("stdin", new java.io.ByteArrayInputStream(stdinBytes), session.stdin(), true);
            return OutputStream.nullOutputStream();
        }
        switch (stdin.type()) {
            case PIPE -> {
                return session.stdin();
            }
            case READ -> pump("stdin", new FileInputStream(stdin.file()), session.stdin(), true);
            case INHERIT -> pump("stdin", System.in, session.stdin(), false);
            default -> throw new IllegalArgumentException("stdin redirect " + stdin);
        }
        return OutputStream.nullOutputStream();
    }

    private static InputStream wireOutput(final InputStream stream, final Redirect redirect,
            final OutputStream inherited) throws IOException {
        switch (redirect.type()) {
            case PIPE -> {
                return stream;
            }
            case INHERIT -> pump("output", stream, inherited, false);
            case WRITE -> pump("output", stream, new FileOutputStream(redirect.file()), true);
            case APPEND -> pump("output", stream, new FileOutputStream(redirect.file(), true), true);
            default -> {
                if (redirect == Redirect.DISCARD) {
                    stream.close();
                } else {
                    throw new IllegalArgumentException("output redirect " + redirect);
                }
            }
        }
        return InputStream.nullInputStream();
    }

    private static void pump(final String what, final InputStream from, final OutputStream to, final boolean close) {
        Thread.ofVirtual().name("guest-" + what + "-pump").start(() -> {
            try (from) {
                from.transferTo(to);
                to.flush();
            } catch (final IOException e) {
                // The process ended or the VM stopped; the process's own status reports that.
            } finally {
                if (close) {
                    try {
                        to.close();
                    } catch (final IOException ignored) {
                        // Nothing more to deliver.
                    }
                }
            }
        });
    }

    private static Redirect checkDestination(final Redirect destination) {
        if (destination.type() == Redirect.Type.READ) {
            throw new IllegalArgumentException("redirect type READ cannot be a destination");
        }
        return destination;
    }

    private static CompletableFuture<byte[]> readAsync(final InputStream in) {
        final CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        Thread.ofVirtual().name("guest-output-reader").start(() -> {
            try {
                final ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                bytes.complete(out.toByteArray());
            } catch (final IOException | RuntimeException e) {
                bytes.completeExceptionally(e);
            }
        });
        return bytes;
    }

    private static long left(final long deadline) {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
    }
}
