package io.crumblecracker.kvm.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code getrandom(2)}: the kernel's CSPRNG, straight into native memory, with no allocation.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/getrandom.2.html">getrandom(2)</a>
 */
public final class GetRandom {

    private static final MethodHandle GETRANDOM = Native.downcallWithErrno("getrandom",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT));

    private GetRandom() {
    }

    /** Fills all of {@code buffer} with random bytes (blocks only until the kernel's pool is seeded). */
    public static void fill(final MemorySegment buffer) {
        final MemorySegment state = Native.errnoState();
        long done = 0;
        while (done < buffer.byteSize()) {
            final long n;
            try {
                n = (long) GETRANDOM.invokeExact(state, buffer.asSlice(done), buffer.byteSize() - done, 0);
            } catch (final Throwable t) {
                throw new IllegalStateException("native call getrandom could not be invoked", t);
            }
            if (n < 0) {
                final int errno = Native.errno(state);
                if (errno != Errno.EINTR) {
                    throw new NativeException("getrandom", errno);
                }
            } else {
                done += n;
            }
        }
    }
}
