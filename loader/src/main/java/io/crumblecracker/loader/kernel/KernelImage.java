package io.crumblecracker.loader.kernel;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.ZeroPageLayout;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import java.nio.file.Path;

/**
 * A parsed, validated kernel image: an ELF {@code vmlinux} or a {@code bzImage}.
 *
 * <p>Parsing checks every header field against the file; {@link #load} then checks the placement
 * against guest memory before writing anything. The image keeps a reference to the byte array it was
 * parsed from; only validated offsets and sizes are used to read it.
 *
 * <p>Spec: ELF-64 Object File Format ({@code e_ident}, {@code e_machine = EM_X86_64}); {@code
 * Documentation/arch/x86/boot.rst} ({@code boot_flag}, {@code header}).
 */
public sealed interface KernelImage permits ElfKernel, BzImageKernel {

    /**
     * Detects and parses the kernel in {@code bytes}.
     *
     * @throws BootException if it is neither an ELF vmlinux nor a bzImage, or is malformed
     */
    static KernelImage parse(final byte[] bytes) {
        return parse(bytes, "kernel image");
    }

    /**
     * Reads and parses the kernel file at {@code path}.
     *
     * @throws BootException if the file cannot be read, is too large, or is not a bootable kernel
     */
    static KernelImage parse(final Path path) {
        return parse(ImageFiles.read(path, "kernel"), "kernel path=" + path);
    }

    /** The memory the kernel will occupy when loaded with {@code loadAddress} (ignored by ELF kernels). */
    AddressRange footprint(GuestAddress loadAddress);

    /**
     * Copies the kernel into {@code memory} and returns where it went.
     *
     * @param loadAddress where a relocatable bzImage goes; an ELF kernel goes to its own physical
     *                    addresses and a non-relocatable bzImage to its {@code pref_address}
     * @throws BootException if the kernel does not fit in guest memory or the address is not allowed
     */
    LoadedKernel load(GuestMemory memory, GuestAddress loadAddress);

    private static KernelImage parse(final byte[] bytes, final String source) {
        final ImageReader image = new ImageReader(bytes, source);
        if (ElfKernel.hasMagic(image)) {
            return ElfKernel.parse(image);
        }
        if (image.holds(0, ZeroPageLayout.HEADER + 4)
                && image.u16(ZeroPageLayout.BOOT_FLAG, "boot_flag") == ZeroPageLayout.BOOT_FLAG_MAGIC
                && image.u32(ZeroPageLayout.HEADER, "header") == ZeroPageLayout.HEADER_MAGIC) {
            return BzImageKernel.parse(image);
        }
        throw new BootException(source + " (" + bytes.length + " bytes) is neither an ELF vmlinux nor a bzImage:"
                + " no ELF magic at offset 0 and no boot_flag=0xaa55 with header=\"HdrS\" at offsets 0x1fe/0x202");
    }
}
