package io.crumblecracker.testing;

import io.crumblecracker.machine.KernelLocator;
import java.nio.file.Path;

/** The guest kernel built by {@code kernel/build.sh}, required by boot tests. */
public final class GuestKernel {

    private GuestKernel() {
    }

    /** The ELF {@code vmlinux}; skips (or fails under CI) when it has not been built. */
    public static Path vmlinux() {
        HostRequirements.require(KernelLocator.vmlinux().isPresent(),
                "no guest kernel at " + KernelLocator.directory() + " (run kernel/build.sh)");
        return KernelLocator.vmlinux().orElseThrow();
    }

    /** The {@code bzImage}; skips (or fails under CI) when it has not been built. */
    public static Path bzImage() {
        HostRequirements.require(KernelLocator.bzImage().isPresent(),
                "no guest kernel at " + KernelLocator.directory() + " (run kernel/build.sh)");
        return KernelLocator.bzImage().orElseThrow();
    }
}
