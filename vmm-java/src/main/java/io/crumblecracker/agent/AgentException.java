package io.crumblecracker.agent;

import java.io.IOException;

/**
 * The agent refused a request: a system call in the guest failed ({@link #errno()} is Linux's number), or
 * the request broke the protocol. The message names the call and the path, as the agent wrote it.
 */
public class AgentException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The Linux errno, or 0 if none applies. */
    private final int errno;

    /** An error the agent reported. */
    public AgentException(final int errno, final String message) {
        super(message);
        this.errno = errno;
    }

    /** The Linux errno of the failed call (ENOENT = 2, EACCES = 13, EEXIST = 17, ...). */
    public int errno() {
        return errno;
    }
}
