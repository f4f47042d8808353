/**
 * Kernel images: detecting, validating and placing an ELF {@code vmlinux} or a {@code bzImage} in guest
 * memory.
 *
 * <p>Every number read from an image is checked (against the file's length, guest memory and the
 * boot protocol's rules) before it is used; a bad image ends in a {@link
 * io.crumblecracker.loader.boot.BootException} naming the field and its value.
 *
 * <p>Spec: ELF-64 Object File Format 1.5 and the System V AMD64 psABI; {@code
 * Documentation/arch/x86/boot.rst} for the bzImage.
 */
package io.crumblecracker.loader.kernel;
