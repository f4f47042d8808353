package io.crumblecracker.memory;

/**
 * A guest-memory access that falls outside guest RAM, or whose length overflows.
 *
 * <p>Guests choose the addresses devices touch, so this is an expected outcome of hostile or buggy
 * guest input: callers turn it into a device error for that guest, never into a host failure.
 */
public final class GuestMemoryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a {@code name=value} message. */
    public GuestMemoryException(final String message) {
        super(message);
    }

    static GuestMemoryException outOfRange(final long address, final long length) {
        return new GuestMemoryException("guest range address=0x" + Long.toHexString(address)
                + " length=" + Long.toUnsignedString(length) + " is not inside guest RAM");
    }
}
