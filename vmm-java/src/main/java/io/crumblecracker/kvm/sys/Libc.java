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
 * The glibc calls the VMM needs, 1:1, with errno turned into {@link NativeException}.
 *
 * <p>Methods named {@code *Raw} do not throw: they return the call's result, or {@code -errno} on
 * failure, so hot paths (such as {@code KVM_RUN} returning {@code EINTR}) need no exception.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class Libc {

    /** {@code O_RDWR}. */
    public static final int O_RDWR = 0x2;
    /** {@code O_CLOEXEC}. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code PROT_READ}. */
    public static final int PROT_READ = 0x1;
    /** {@code PROT_WRITE}. */
    public static final int PROT_WRITE = 0x2;
    /** {@code PROT_EXEC}. */
    public static final int PROT_EXEC = 0x4;
    /** {@code MAP_SHARED}. */
    public static final int MAP_SHARED = 0x01;
    /** {@code MAP_PRIVATE}. */
    public static final int MAP_PRIVATE = 0x02;
    /** {@code MAP_ANONYMOUS}. */
    public static final int MAP_ANONYMOUS = 0x20;
    /** {@code MAP_NORESERVE}. */
    public static final int MAP_NORESERVE = 0x4000;
    /** {@code EFD_NONBLOCK}. */
    public static final int EFD_NONBLOCK = 0x800;
    /** {@code EFD_CLOEXEC}. */
    public static final int EFD_CLOEXEC = 0x80000;

    private static final long MAP_FAILED = -1L;

    private static final Linker.Option VARIADIC_AFTER_2 = Linker.Option.firstVariadicArg(2);
    private static final MethodHandle OPEN = Native.downcallWithErrno("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), VARIADIC_AFTER_2);
    private static final MethodHandle CLOSE = Native.downcallWithErrno("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL_LONG = Native.downcallWithErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), VARIADIC_AFTER_2);
    private static final MethodHandle IOCTL_PTR = Native.downcallWithErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), VARIADIC_AFTER_2);
    private static final MethodHandle MMAP = Native.downcallWithErrno("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.downcallWithErrno("munmap",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MPROTECT = Native.downcallWithErrno("mprotect",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = Native.downcallWithErrno("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Native.downcallWithErrno("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Native.downcallWithErrno("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETTID = Native.downcall("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPID = Native.downcall("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle TGKILL = Native.downcallWithErrno("tgkill",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SIGACTION = Native.downcallWithErrno("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGRTMIN = Native.downcall("__libc_current_sigrtmin",
            FunctionDescriptor.of(JAVA_INT));

    private Libc() {
    }

    /** {@code open(path, flags)}; returns the file descriptor. */
    public static int open(final String path, final int flags) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = Native.errnoState();
            final int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0);
            return check(fd, state, "open(" + path + ")");
        } catch (final NativeException e) {
            throw e;
        } catch (final Throwable t) {
            throw linkageFailure("open", t);
        }
    }

    /** {@code close(fd)}; errors are reported, since a failed close can lose data. */
    public static void close(final int fd) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) CLOSE.invokeExact(state, fd);
        } catch (final Throwable t) {
            throw linkageFailure("close", t);
        }
        check(rc, state, "close(" + fd + ")");
    }

    /** {@code ioctl(fd, request, arg)} with an integer argument; {@code name} names it in errors. */
    public static int ioctl(final int fd, final long request, final long arg, final String name) {
        final int rc = ioctlRaw(fd, request, arg);
        if (rc < 0) {
            throw new NativeException(name, -rc);
        }
        return rc;
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument; {@code name} names it in errors. */
    public static int ioctl(final int fd, final long request, final MemorySegment arg, final String name) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
        } catch (final Throwable t) {
            throw linkageFailure(name, t);
        }
        return check(rc, state, name);
    }

    /** {@code ioctl(fd, request, arg)} returning the result or {@code -errno}; never throws for errno. */
    public static int ioctlRaw(final int fd, final long request, final long arg) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
        } catch (final Throwable t) {
            throw linkageFailure("ioctl", t);
        }
        return rc < 0 ? -Native.errno(state) : rc;
    }

    /**
     * Maps {@code length} bytes and returns them as a segment of exactly that size, unmapped when
     * {@code arena} closes.
     */
    public static MemorySegment mmap(final long length, final int prot, final int flags, final int fd,
                                     final long offset, final Arena arena, final String what) {
        final MemorySegment state = Native.errnoState();
        final long address;
        try {
            address = (long) MMAP.invokeExact(state, 0L, length, prot, flags, fd, offset);
        } catch (final Throwable t) {
            throw linkageFailure("mmap", t);
        }
        if (address == MAP_FAILED) {
            throw new NativeException("mmap(" + what + ", " + length + " bytes)", Native.errno(state));
        }
        // NATIVE: mmap succeeded, so [address, address + length) is mapped until the munmap that the arena runs.
        return MemorySegment.ofAddress(address).reinterpret(length, arena, s -> munmap(s.address(), length));
    }

    /** {@code munmap(address, length)}. */
    public static void munmap(final long address, final long length) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) MUNMAP.invokeExact(state, address, length);
        } catch (final Throwable t) {
            throw linkageFailure("munmap", t);
        }
        check(rc, state, "munmap");
    }

    /** {@code mprotect} over the whole of {@code segment}. */
    public static void mprotect(final MemorySegment segment, final int prot) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) MPROTECT.invokeExact(state, segment.address(), segment.byteSize(), prot);
        } catch (final Throwable t) {
            throw linkageFailure("mprotect", t);
        }
        check(rc, state, "mprotect");
    }

    /** {@code eventfd(initval, flags)}; returns the file descriptor. */
    public static int eventfd(final int initialValue, final int flags) {
        final MemorySegment state = Native.errnoState();
        final int fd;
        try {
            fd = (int) EVENTFD.invokeExact(state, initialValue, flags);
        } catch (final Throwable t) {
            throw linkageFailure("eventfd", t);
        }
        return check(fd, state, "eventfd");
    }

    /** {@code read(fd, buffer, buffer.byteSize())}; returns bytes read or {@code -errno}. */
    public static long readRaw(final int fd, final MemorySegment buffer) {
        final MemorySegment state = Native.errnoState();
        final long n;
        try {
            n = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
        } catch (final Throwable t) {
            throw linkageFailure("read", t);
        }
        return n < 0 ? -Native.errno(state) : n;
    }

    /** {@code write(fd, buffer, buffer.byteSize())}; returns bytes written or {@code -errno}. */
    public static long writeRaw(final int fd, final MemorySegment buffer) {
        final MemorySegment state = Native.errnoState();
        final long n;
        try {
            n = (long) WRITE.invokeExact(state, fd, buffer, buffer.byteSize());
        } catch (final Throwable t) {
            throw linkageFailure("write", t);
        }
        return n < 0 ? -Native.errno(state) : n;
    }

    /** The calling thread's kernel thread id. */
    public static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (final Throwable t) {
            throw linkageFailure("gettid", t);
        }
    }

    /** This process's id. */
    public static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (final Throwable t) {
            throw linkageFailure("getpid", t);
        }
    }

    /** {@code tgkill(tgid, tid, signal)}; returns 0 or {@code -errno} (a thread that already exited gives ESRCH). */
    public static int tgkillRaw(final int tgid, final int tid, final int signal) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) TGKILL.invokeExact(state, tgid, tid, signal);
        } catch (final Throwable t) {
            throw linkageFailure("tgkill", t);
        }
        return rc < 0 ? -Native.errno(state) : rc;
    }

    /** glibc's {@code sigaction(signal, action, null)}; {@code action} is a {@code struct sigaction}. */
    public static void sigaction(final int signal, final MemorySegment action) {
        final MemorySegment state = Native.errnoState();
        final int rc;
        try {
            rc = (int) SIGACTION.invokeExact(state, signal, action, MemorySegment.NULL);
        } catch (final Throwable t) {
            throw linkageFailure("sigaction", t);
        }
        check(rc, state, "sigaction(" + signal + ")");
    }

    /** {@code SIGRTMIN} as glibc defines it at run time (34 on glibc 2.36). */
    public static int sigrtmin() {
        try {
            return (int) SIGRTMIN.invokeExact();
        } catch (final Throwable t) {
            throw linkageFailure("__libc_current_sigrtmin", t);
        }
    }

    private static int check(final int rc, final MemorySegment state, final String call) {
        if (rc < 0) {
            throw new NativeException(call, Native.errno(state));
        }
        return rc;
    }

    private static IllegalStateException linkageFailure(final String call, final Throwable t) {
        return new IllegalStateException("native call " + call + " could not be invoked", t);
    }
}
