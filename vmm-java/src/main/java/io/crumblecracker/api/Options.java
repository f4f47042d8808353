package io.crumblecracker.api;

import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a VM: immutable, built from small pieces that combine, later ones winning:
 * <pre>{@code
 * CrumbleCracker.run(image, Options.memoryMiB(512), Options.cpus(2), Options.env("MODE", "test"));
 * CrumbleCracker.run(image, Options.memoryMiB(512).and(Options.timeout(Duration.ofMinutes(5))));
 * }</pre>
 * Unset values take the defaults: 256 MiB, 1 vCPU, the image's env, working directory and user, no
 * lifetime limit, kernel log off, {@link Engine#AUTO}, boot timeout 180 s.
 */
public final class Options {
    /** Guest RAM when not set. */
    public static final int DEFAULT_MEMORY_MIB = 256;
    /** The longest a VM may take to become ready, when not set (generous for TCG). */
    public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(180);

    private final Integer memoryMiB;
    private final Integer cpus;
    private final Map<String, String> env;
    private final String workingDirectory;
    private final String user;
    private final Duration timeout;
    private final Duration bootTimeout;
    private final OutputStream kernelLog;
    private final Engine engine;
    private final String hostname;

    private Options(final Integer memoryMiB, final Integer cpus, final Map<String, String> env,
            final String workingDirectory, final String user, final Duration timeout, final Duration bootTimeout,
            final OutputStream kernelLog, final Engine engine, final String hostname) {
        this.memoryMiB = memoryMiB;
        this.cpus = cpus;
        this.env = Map.copyOf(env);
        this.workingDirectory = workingDirectory;
        this.user = user;
        this.timeout = timeout;
        this.bootTimeout = bootTimeout;
        this.kernelLog = kernelLog;
        this.engine = engine;
        this.hostname = hostname;
    }

    /** Nothing set: every default. */
    public static Options defaults() {
        return new Options(null, null, Map.of(), null, null, null, null, null, null, null);
    }

    /** Guest RAM in MiB (at least 64). */
    public static Options memoryMiB(final int mib) {
        if (mib < 64 || mib > 1 << 20) {
            throw new IllegalArgumentException("memoryMiB=" + mib + " must be between 64 and 1048576");
        }
        return new Options(mib, null, Map.of(), null, null, null, null, null, null, null);
    }

    /** vCPUs (1 to 64). */
    public static Options cpus(final int count) {
        if (count < 1 || count > 64) {
            throw new IllegalArgumentException("cpus=" + count + " must be between 1 and 64");
        }
        return new Options(null, count, Map.of(), null, null, null, null, null, null, null);
    }

    /** One environment variable for every process (on top of the image's). */
    public static Options env(final String key, final String value) {
        return env(Map.of(key, value));
    }

    /** Environment variables for every process (on top of the image's). */
    public static Options env(final Map<String, String> variables) {
        variables.forEach(Options::checkVariable);
        return new Options(null, null, variables, null, null, null, null, null, null, null);
    }

    /** The working directory of processes (absolute), instead of the image's. */
    public static Options workingDirectory(final String directory) {
        if (!directory.startsWith("/")) {
            throw new IllegalArgumentException("workingDirectory \"" + directory + "\" must be absolute");
        }
        return new Options(null, null, Map.of(), directory, null, null, null, null, null, null);
    }

    /** The user processes run as: {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}. */
    public static Options user(final String user) {
        if (user.isBlank() || user.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("user \"" + user + "\" is empty or has a NUL");
        }
        return new Options(null, null, Map.of(), null, user, null, null, null, null, null);
    }

    /** The VM's lifetime: it is killed when this has passed since it started. */
    public static Options timeout(final Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("timeout " + lifetime + " must be positive");
        }
        return new Options(null, null, Map.of(), null, null, lifetime, null, null, null, null);
    }

    /** The longest start-up may take before the VM is killed and the start fails. */
    public static Options bootTimeout(final Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("bootTimeout " + limit + " must be positive");
        }
        return new Options(null, null, Map.of(), null, null, null, limit, null, null, null);
    }

    /** Kernel messages (at full log level) and the console go to {@code out}. */
    public static Options kernelLog(final OutputStream out) {
        return new Options(null, null, Map.of(), null, null, null, null, Objects.requireNonNull(out, "out"), null,
                null);
    }

    /** Kernel messages on (to standard error) or off (the default). */
    public static Options kernelLog(final boolean on) {
        return on ? kernelLog(System.err) : defaults();
    }

    /** The engine. */
    public static Options engine(final Engine engine) {
        return new Options(null, null, Map.of(), null, null, null, null, null, Objects.requireNonNull(engine), null);
    }

    /** The guest's host name (default: {@code crumble-} and the start of the VM's id). */
    public static Options hostname(final String name) {
        if (!name.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("hostname \"" + name + "\" is not a valid host name (RFC 1123)");
        }
        return new Options(null, null, Map.of(), null, null, null, null, null, null, name);
    }

    /** These options with {@code later}'s set values on top (environments merge). */
    public Options and(final Options later) {
        final Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(later.env);
        return new Options(pick(later.memoryMiB, memoryMiB), pick(later.cpus, cpus), merged,
                pick(later.workingDirectory, workingDirectory), pick(later.user, user), pick(later.timeout, timeout),
                pick(later.bootTimeout, bootTimeout), pick(later.kernelLog, kernelLog), pick(later.engine, engine),
                pick(later.hostname, hostname));
    }

    /** All of {@code pieces}, later ones winning. */
    public static Options of(final Options... pieces) {
        Options result = defaults();
        for (final Options piece : pieces) {
            result = result.and(piece);
        }
        return result;
    }

    /** Guest RAM in MiB. */
    public int memory() {
        return memoryMiB == null ? DEFAULT_MEMORY_MIB : memoryMiB;
    }

    /** vCPUs. */
    public int cpuCount() {
        return cpus == null ? 1 : cpus;
    }

    /** Extra environment variables. */
    public Map<String, String> environment() {
        return env;
    }

    /** The working directory, or {@code null} for the image's. */
    public String directory() {
        return workingDirectory;
    }

    /** The user, or {@code null} for the image's. */
    public String userName() {
        return user;
    }

    /** The lifetime, or {@code null} for none. */
    public Duration lifetime() {
        return timeout;
    }

    /** The start-up limit. */
    public Duration startupLimit() {
        return bootTimeout == null ? DEFAULT_BOOT_TIMEOUT : bootTimeout;
    }

    /** Where kernel messages go, or {@code null} when off. */
    public OutputStream kernelLogSink() {
        return kernelLog;
    }

    /** The engine. */
    public Engine engineChoice() {
        return engine == null ? Engine.AUTO : engine;
    }

    /** The host name, or {@code null} for the default. */
    public String host() {
        return hostname;
    }

    private static <T> T pick(final T later, final T earlier) {
        return later != null ? later : earlier;
    }

    private static void checkVariable(final String key, final String value) {
        if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("environment variable \"" + key + "\" is not a valid name, or its"
                    + " value has a NUL");
        }
    }

    @Override
    public String toString() {
        return "Options[memoryMiB=" + memory() + ", cpus=" + cpuCount() + ", env=" + env.keySet() + ", engine="
                + engineChoice() + (timeout == null ? "" : ", timeout=" + timeout) + "]";
    }
}
