package io.crumblecracker.loader;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.memory.GuestAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the boot vCPU needs once {@link LinuxBoot} has filled guest memory: start in 64-bit mode at
 * {@code entryPoint} with {@code %rsi = zeroPage}, and keep the listed ranges out of any other use.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, "64-bit Boot Protocol".
 *
 * @param entryPoint the 64-bit kernel entry point
 * @param zeroPage   the address of {@code struct boot_params}
 * @param kernel     the memory the kernel occupies, including its start-up needs
 * @param cmdline    the command line, terminating NUL included
 * @param initramfs  the initramfs, if one was given
 */
public record BootInfo(GuestAddress entryPoint, GuestAddress zeroPage, AddressRange kernel, AddressRange cmdline,
                       Optional<AddressRange> initramfs) {

    /** Validates that no component is missing. */
    public BootInfo {
        Objects.requireNonNull(entryPoint, "entryPoint");
        Objects.requireNonNull(zeroPage, "zeroPage");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(initramfs, "initramfs");
    }
}
