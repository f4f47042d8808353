package io.crumblecracker.agent;

import java.util.List;
import java.util.Objects;

/**
 * What to run in the guest (docs/agent-protocol.md, "Exec").
 *
 * @param argv        the program and its arguments; a name without {@code /} is searched in {@code PATH}
 * @param env         the complete environment, {@code KEY=VALUE}
 * @param directory   the working directory (absolute)
 * @param user        {@code ""} (root), {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}
 * @param terminal    one pseudo-terminal for stdin, stdout and stderr
 * @param stdin       the host sends stdin (otherwise the process reads {@code /dev/null})
 * @param mergeStderr stderr goes to the stdout stream
 * @param rows        terminal rows (0: 24)
 * @param cols        terminal columns (0: 80)
 */
public record ExecRequest(List<String> argv, List<String> env, String directory, String user, boolean terminal,
                          boolean stdin, boolean mergeStderr, int rows, int cols) {
    static final int FLAG_PTY = 0x1;
    static final int FLAG_STDIN = 0x2;
    static final int FLAG_MERGE_STDERR = 0x4;

    /** Validates what the host can check before the guest sees it. */
    public ExecRequest {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(user, "user");
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        for (final String entry : env) {
            if (entry.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entry \"" + entry + "\" is not KEY=VALUE");
            }
        }
        if (!directory.isEmpty() && !directory.startsWith("/")) {
            throw new IllegalArgumentException("working directory \"" + directory + "\" is not absolute");
        }
        if (rows < 0 || rows > 0xFFFF || cols < 0 || cols > 0xFFFF) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is out of range");
        }
    }

    int flags() {
        return (terminal ? FLAG_PTY : 0) | (stdin ? FLAG_STDIN : 0) | (mergeStderr ? FLAG_MERGE_STDERR : 0);
    }
}
