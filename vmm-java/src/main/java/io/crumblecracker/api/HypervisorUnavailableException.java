package io.crumblecracker.api;

/**
 * No hypervisor can run this VM: {@code /dev/kvm} is missing or not accessible, or the chosen engine is not installed. The message says which and how to fix it.
 */
public final class HypervisorUnavailableException extends VmException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what happened and, where it can, what to do. */
    public HypervisorUnavailableException(final String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public HypervisorUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
