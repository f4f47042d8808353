package io.crumblecracker.kvm.sys;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linking glibc functions, with errno captured after the call.
 *
 * <p>Functions linked with {@link #downcallWithErrno} take a capture-state segment as their first
 * argument; {@link #errnoState()} hands each thread its own, allocated once, so calls allocate nothing.
 */
final class Native {

    static final Linker LINKER = Linker.nativeLinker();
    static final AddressLayout C_POINTER = ValueLayout.ADDRESS;
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> ERRNO_STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE_LAYOUT));

    private Native() {
    }

    /** Links the libc function {@code name}. */
    static MethodHandle downcall(final String name, final FunctionDescriptor descriptor,
                                 final Linker.Option... options) {
        final MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        // NATIVE: descriptors in this package are checked against the C prototypes (see LayoutOracleTest).
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** Links {@code name} so that errno is captured; the handle takes the capture segment first. */
    static MethodHandle downcallWithErrno(final String name, final FunctionDescriptor descriptor,
                                          final Linker.Option... options) {
        final Linker.Option[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = CAPTURE_ERRNO;
        return downcall(name, descriptor, all);
    }

    /** This thread's capture-state segment. */
    static MemorySegment errnoState() {
        return ERRNO_STATE.get();
    }

    /** The errno captured in {@code state} by the last call that used it. */
    static int errno(final MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
