package io.crumblecracker.loader;

import io.crumblecracker.memory.GuestAddress;
import java.util.Objects;

/**
 * Where the boot pieces go in guest physical memory.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, "64-bit Boot Protocol" (the zero page, command line
 * and initrd may be anywhere the kernel can reach) and "Memory Layout" for the traditional addresses.
 *
 * @param zeroPage        the 4096-byte {@code struct boot_params}; the vCPU gets it in {@code %rsi}
 * @param cmdline         the NUL-terminated command line
 * @param kernelLoad      the load address for a relocatable bzImage (an ELF vmlinux picks its own)
 * @param initramfsLimit  the initramfs ends at or below this address (exclusive)
 */
public record BootLayout(GuestAddress zeroPage, GuestAddress cmdline, GuestAddress kernelLoad,
                         GuestAddress initramfsLimit) {

    /** The traditional zero-page address, as Firecracker uses it. */
    public static final GuestAddress DEFAULT_ZERO_PAGE = GuestAddress.of(0x7000);
    /** The traditional command-line address, as Firecracker uses it. */
    public static final GuestAddress DEFAULT_CMDLINE = GuestAddress.of(0x20000);
    /** 16 MiB: the x86-64 kernel's default {@code CONFIG_PHYSICAL_START}. */
    public static final GuestAddress DEFAULT_KERNEL_LOAD = GuestAddress.of(0x100_0000);
    /** 4 GiB: keeps the initramfs addressable by the 32-bit {@code ramdisk_image} field alone. */
    public static final GuestAddress DEFAULT_INITRAMFS_LIMIT = GuestAddress.of(1L << 32);

    /** Validates that no address is missing. */
    public BootLayout {
        Objects.requireNonNull(zeroPage, "zeroPage");
        Objects.requireNonNull(cmdline, "cmdline");
        Objects.requireNonNull(kernelLoad, "kernelLoad");
        Objects.requireNonNull(initramfsLimit, "initramfsLimit");
    }

    /** Zero page at 0x7000, command line at 0x20000, kernel at 16 MiB, initramfs below 4 GiB. */
    public static BootLayout x86Default() {
        return new BootLayout(DEFAULT_ZERO_PAGE, DEFAULT_CMDLINE, DEFAULT_KERNEL_LOAD, DEFAULT_INITRAMFS_LIMIT);
    }
}
