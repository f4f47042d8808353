package io.crumblecracker.kvm.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Calls on plain file descriptors that other processes hand us: {@code fcntl} flags and memfd seals,
 * {@code memfd_create} and {@code ftruncate} (for shared guest memory), and closing received descriptors.
 *
 * <p>Thread safety: every method may be called from any thread.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2), file seals</a>
 */
public final class FileDescriptors {

    /** {@code MFD_CLOEXEC}. */
    public static final int MFD_CLOEXEC = 0x1;
    /** {@code MFD_ALLOW_SEALING}. */
    public static final int MFD_ALLOW_SEALING = 0x2;
    /** {@code F_SEAL_SHRINK}: the file can no longer shrink, so a mapping of it cannot fault (SIGBUS). */
    public static final int F_SEAL_SHRINK = 0x2;
    /** {@code F_SEAL_GROW}. */
    public static final int F_SEAL_GROW = 0x4;
    /** {@code O_NONBLOCK}. */
    public static final int O_NONBLOCK = 0x800;

    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_ADD_SEALS = 1033;
    private static final int F_GET_SEALS = 1034;

    private static final MethodHandle FCNTL = Native.downcallWithErrno("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MEMFD_CREATE = Native.downcallWithErrno("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FTRUNCATE = Native.downcallWithErrno("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));

    private FileDescriptors() {
    }

    /** Creates an anonymous memory file of {@code size} bytes; returns its descriptor. */
    public static int memfd(final String name, final long size, final int flags) {
        final MemorySegment state = Native.errnoState();
        final int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = check((int) MEMFD_CREATE.invokeExact(state, arena.allocateFrom(name), flags), state,
                    "memfd_create(" + name + ")");
        } catch (final Throwable t) {
            throw UnixSocket.rethrow("memfd_create", t);
        }
        try {
            check((int) FTRUNCATE.invokeExact(state, fd, size), state, "ftruncate(memfd, " + size + ")");
        } catch (final Throwable t) {
            closeQuietly(fd);
            throw UnixSocket.rethrow("ftruncate", t);
        }
        return fd;
    }

    /** The seals on {@code fd} ({@code F_GET_SEALS}); {@code -errno} if it cannot be sealed (not a memfd). */
    public static int sealsRaw(final int fd) {
        return fcntlRaw(fd, F_GET_SEALS, 0);
    }

    /** Adds {@code seals} ({@code F_ADD_SEALS}). */
    public static void addSeals(final int fd, final int seals) {
        final int rc = fcntlRaw(fd, F_ADD_SEALS, seals);
        if (rc < 0) {
            throw new NativeException("fcntl(F_ADD_SEALS)", -rc);
        }
    }

    /** Sets {@code O_NONBLOCK} on the open file description behind {@code fd}. */
    public static void setNonBlocking(final int fd) {
        final int flags = fcntlRaw(fd, F_GETFL, 0);
        if (flags < 0) {
            throw new NativeException("fcntl(" + fd + ", F_GETFL)", -flags);
        }
        final int rc = fcntlRaw(fd, F_SETFL, flags | O_NONBLOCK);
        if (rc < 0) {
            throw new NativeException("fcntl(" + fd + ", F_SETFL)", -rc);
        }
    }

    /** Closes {@code fd}, ignoring errors: for descriptors received and refused. Negative values are skipped. */
    public static void closeQuietly(final int fd) {
        if (fd < 0) {
            return;
        }
        try {
            Libc.close(fd);
        } catch (final NativeException ignored) {
            // Nothing to do: the descriptor is gone either way (close(2) never leaves it open on Linux).
        }
    }

    private static int fcntlRaw(final int fd, final int command, final int argument) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) FCNTL.invokeExact(state, fd, command, argument);
        } catch (final Throwable t) {
            throw UnixSocket.rethrow("fcntl", t);
        }
        return rc < 0 ? -Native.errno(state) : rc;
    }

    private static int check(final int rc, final MemorySegment state, final String call) {
        if (rc < 0) {
            throw new NativeException(call, Native.errno(state));
        }
        return rc;
    }
}
