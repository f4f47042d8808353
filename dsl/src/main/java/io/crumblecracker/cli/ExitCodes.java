package io.crumblecracker.cli;

import io.crumblecracker.api.HypervisorUnavailableException;
import io.crumblecracker.api.VmTimeoutException;

/** The CLI's exit codes; the {@code crumble --help} text lists them too. */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** The guest or the command failed. */
    public static final int FAILED = 1;
    /** Bad arguments (picocli's usage error code). */
    public static final int USAGE = 2;
    /** No usable hypervisor. */
    public static final int NO_HYPERVISOR = 3;
    /** A deadline passed. */
    public static final int TIMEOUT = 4;

    private ExitCodes() {
    }

    /** The exit code that reports {@code e}. */
    public static int forException(final Throwable e) {
        if (e instanceof HypervisorUnavailableException) {
            return NO_HYPERVISOR;
        }
        if (e instanceof VmTimeoutException) {
            return TIMEOUT;
        }
        if (e instanceof picocli.CommandLine.ParameterException || e instanceof IllegalArgumentException) {
            return USAGE;
        }
        return FAILED;
    }
}
