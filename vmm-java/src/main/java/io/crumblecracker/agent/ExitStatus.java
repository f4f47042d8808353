package io.crumblecracker.agent;

/**
 * How a guest process ended.
 *
 * @param code   its exit code, or -1 if a signal killed it
 * @param signal the signal that killed it, or 0
 */
public record ExitStatus(int code, int signal) {

    /** The shell's convention: the exit code, or 128 + the signal number. */
    public int exitValue() {
        return signal == 0 ? code : 128 + signal;
    }

    @Override
    public String toString() {
        return signal == 0 ? "exit code " + code : "killed by signal " + signal;
    }
}
