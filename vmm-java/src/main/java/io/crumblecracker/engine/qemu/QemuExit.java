package io.crumblecracker.engine.qemu;

import java.util.Optional;

/**
 * How a QEMU process ended: its exit code, the tail of its standard error, and the backend failure that
 * made the engine kill it, if any.
 *
 * @param exitCode       the process exit code (128 + signal for a signal)
 * @param stderr         the last 64 KiB QEMU wrote to standard error
 * @param backendFailure why one of our vhost-user backends failed, or {@code null}
 */
public record QemuExit(int exitCode, String stderr, Throwable backendFailure) {

    /** QEMU aborted ({@code SIGABRT}): an assertion failed inside QEMU. */
    public static final int ABORTED = 134;

    /** True if QEMU exited 0 (the guest rebooted or powered off) and no backend failed. */
    public boolean isClean() {
        return exitCode == 0 && backendFailure == null;
    }

    /** The backend failure, if one ended the machine. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(backendFailure);
    }

    /** A message for people: the exit code explained, the backend failure, and QEMU's standard error. */
    public String describe() {
        final StringBuilder text = new StringBuilder("QEMU exited with code ").append(exitCode);
        if (exitCode == ABORTED) {
            text.append(" (SIGABRT: QEMU aborted on an internal assertion. QEMU 7.2's vhost-user front-ends,"
                    + " vhost-user-rng in particular, abort when their backend hangs up during negotiation;"
                    + " see the backend failure below)");
        } else if (exitCode == 0) {
            text.append(" (the guest rebooted or shut down)");
        } else if (exitCode > 128) {
            text.append(" (killed by signal ").append(exitCode - 128).append(')');
        }
        if (backendFailure != null) {
            text.append("\nbackend failure: ").append(backendFailure.getMessage());
        }
        if (!stderr.isBlank()) {
            text.append("\nQEMU stderr:\n").append(stderr.strip());
        }
        return text.toString();
    }
}
