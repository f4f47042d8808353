package io.crumblecracker.kvm.sys;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/** The errno values this project reacts to, and their names for messages. */
public final class Errno {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call: a kicked {@code KVM_RUN} returns this. */
    public static final int EINTR = 4;
    /** Resource temporarily unavailable. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Operation not supported. */
    public static final int EOPNOTSUPP = 95;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EINTR, "EINTR"),
            Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"),
            Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"), Map.entry(ENODEV, "ENODEV"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(ENOSYS, "ENOSYS"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"));

    private static final MethodHandle STRERROR = Native.downcall("strerror",
            java.lang.foreign.FunctionDescriptor.of(Native.C_POINTER, java.lang.foreign.ValueLayout.JAVA_INT));

    private Errno() {
    }

    /** {@code "EINVAL, Invalid argument"}, or the libc text alone for errnos without a constant here. */
    public static String describe(final int errno) {
        final String text = strerror(errno);
        final String name = NAMES.get(errno);
        return name == null ? text : name + ", " + text;
    }

    private static String strerror(final int errno) {
        try {
            final MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            // NATIVE: strerror returns a NUL-terminated string in static storage; 256 bytes bounds the read.
            return text.reinterpret(256).getString(0);
        } catch (final Throwable t) {
            return "errno " + errno;
        }
    }
}
