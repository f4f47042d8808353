package io.crumblecracker.api;

/**
 * The VM is not running (it has not started, or it has stopped: shut down, crashed, or was killed), so the request cannot be served.
 */
public final class VmNotRunningException extends VmException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what happened and, where it can, what to do. */
    public VmNotRunningException(final String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public VmNotRunningException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
