package io.crumblecracker.kvm.sys;

/**
 * A native call failed with an {@code errno}.
 *
 * <p>The message names the call (for ioctls, the ioctl's name) and the error, e.g.
 * {@code KVM_SET_SREGS failed: errno=22 (EINVAL, Invalid argument)}.
 */
public final class NativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /** Creates the exception for {@code call} failing with {@code errno}. */
    public NativeException(final String call, final int errno) {
        super(call + " failed: errno=" + errno + " (" + Errno.describe(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The failed call, e.g. {@code open(/dev/kvm)} or {@code KVM_RUN}. */
    public String call() {
        return call;
    }

    /** The {@code errno} the call left. */
    public int errno() {
        return errno;
    }
}
