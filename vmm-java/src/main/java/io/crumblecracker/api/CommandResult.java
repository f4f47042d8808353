package io.crumblecracker.api;

/**
 * A finished guest process's exit value and captured output (UTF-8).
 *
 * @param exitCode the exit code, or 128 + the signal that killed it
 * @param stdout   its standard output
 * @param stderr   its standard error (empty if merged into stdout)
 */
public record CommandResult(int exitCode, String stdout, String stderr) {

    /** True if it exited with 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
