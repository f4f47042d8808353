package io.crumblecracker.api;

/**
 * The VM was already closed by {@code close()}; nothing more can be done with it.
 */
public final class VmClosedException extends VmException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what happened and, where it can, what to do. */
    public VmClosedException(final String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public VmClosedException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
