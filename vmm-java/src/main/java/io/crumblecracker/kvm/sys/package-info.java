/**
 * The only package that makes native calls: FFM downcalls into glibc, errno capture, mmap and the
 * KVM ioctl numbers and struct layouts from {@code <linux/kvm.h>}.
 *
 * <p>Every restricted FFM operation ({@code Linker} downcalls, {@code MemorySegment.reinterpret}) lives
 * here and carries a {@code NATIVE:} comment saying why it is sound. Nothing here holds policy; callers
 * above decide what an error means.
 */
package io.crumblecracker.kvm.sys;
