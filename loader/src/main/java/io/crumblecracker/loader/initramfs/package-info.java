/**
 * Initramfs archives: {@code newc} cpio streams built in memory, and {@link
 * io.crumblecracker.loader.initramfs.TinyInit}, a hand-assembled {@code /init} for smoke boots.
 *
 * <p>Spec: {@code Documentation/driver-api/early-userspace/buffer-format.rst} (the initramfs buffer
 * format) and {@code Documentation/filesystems/ramfs-rootfs-initramfs.rst}.
 */
package io.crumblecracker.loader.initramfs;
