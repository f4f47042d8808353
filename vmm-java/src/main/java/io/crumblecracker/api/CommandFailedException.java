package io.crumblecracker.api;

import java.util.List;

/**
 * A guest process ended with a non-zero exit value where success was required
 * ({@link GuestProcessBuilder#output()}, {@link GuestProcessBuilder#combinedOutput()}).
 */
public final class CommandFailedException extends VmException {
    private static final long serialVersionUID = 1L;
    private static final int STDERR_IN_MESSAGE = 2000;

    /** The command line. */
    private final List<String> command;
    /** What it printed and how it ended. */
    private final transient CommandResult result;

    /** The failure of {@code command} with {@code result}. */
    public CommandFailedException(final List<String> command, final CommandResult result) {
        super(describe(command, result));
        this.command = List.copyOf(command);
        this.result = result;
    }

    /** The command line that failed. */
    public List<String> command() {
        return command;
    }

    /** Its exit value and output. */
    public CommandResult result() {
        return result;
    }

    /** Its exit value (128 + signal if a signal killed it). */
    public int exitCode() {
        return result.exitCode();
    }

    private static String describe(final List<String> command, final CommandResult result) {
        final String stderr = result.stderr().strip();
        return "command " + command + " exited with " + result.exitCode()
                + (stderr.isEmpty() ? "" : ": " + (stderr.length() > STDERR_IN_MESSAGE
                        ? "..." + stderr.substring(stderr.length() - STDERR_IN_MESSAGE) : stderr));
    }
}
