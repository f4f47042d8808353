package io.crumblecracker.api;

import java.io.IOException;

/**
 * The root of CrumbleCracker's checked exceptions: something about a VM went wrong.
 */
public class VmException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what happened and, where it can, what to do. */
    public VmException(final String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public VmException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
