/**
 * Boots Linux the x86 64-bit way: {@link io.crumblecracker.loader.LinuxBoot} places the kernel, the
 * initramfs, the command line and the zero page in guest memory and returns the {@link
 * io.crumblecracker.loader.BootInfo} a vCPU needs to start.
 *
 * <p>Spec: the Linux x86 boot protocol, {@code Documentation/arch/x86/boot.rst} ("64-bit Boot
 * Protocol") and {@code Documentation/arch/x86/zero-page.rst}.
 */
package io.crumblecracker.loader;
