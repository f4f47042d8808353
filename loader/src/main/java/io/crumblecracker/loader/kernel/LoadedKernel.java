package io.crumblecracker.loader.kernel;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootParams;
import io.crumblecracker.memory.GuestAddress;
import java.util.Objects;

/**
 * A kernel placed in guest memory.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, "64-bit Boot Protocol": the vCPU starts at {@code
 * entryPoint} in long mode with {@code %rsi} pointing at the zero page built from {@code bootParams}.
 *
 * @param entryPoint the guest physical address of the 64-bit entry point
 * @param range      the memory the kernel occupies, including what it claims while starting up
 *                   (bss, and a bzImage's {@code init_size}); {@code range.end()} is exclusive
 * @param bootParams the zero page to fill in; for a bzImage it already holds the kernel's setup header
 */
public record LoadedKernel(GuestAddress entryPoint, AddressRange range, BootParams bootParams) {

    /** Validates that no component is missing. */
    public LoadedKernel {
        Objects.requireNonNull(entryPoint, "entryPoint");
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(bootParams, "bootParams");
    }

    /** The lowest address the kernel occupies. */
    public GuestAddress loadStart() {
        return range.start();
    }

    /** One past the highest address the kernel occupies. */
    public GuestAddress loadEnd() {
        return range.end();
    }
}
