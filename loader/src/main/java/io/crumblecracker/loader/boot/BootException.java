package io.crumblecracker.loader.boot;

/**
 * The one failure type of the loader module: a kernel, initramfs, command line, memory map or layout
 * that cannot be booted, or a kernel file that cannot be read.
 *
 * <p>It is unchecked because every cause is bad input that the caller can only report, never repair;
 * a composition root catches it once and turns it into its own error. Messages name the offending
 * value ({@code name=value}) and the limit it broke. Guest memory and host files are never trusted,
 * so a hostile image ends in this exception, never in a JVM crash or an out-of-range write.
 */
public final class BootException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the bad value and the limit it broke. */
    public BootException(final String message) {
        super(message);
    }

    /** Creates the exception for a failure caused by {@code cause} (for example an I/O error). */
    public BootException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
