package io.crumblecracker.api;

/**
 * A deadline passed: the VM's lifetime, or a wait on a process or boot.
 */
public final class VmTimeoutException extends VmException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what happened and, where it can, what to do. */
    public VmTimeoutException(final String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public VmTimeoutException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
