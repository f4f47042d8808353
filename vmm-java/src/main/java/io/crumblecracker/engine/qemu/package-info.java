/**
 * The qemu engine: {@code qemu-system-x86_64 -M microvm} (TCG or KVM) runs the guest's vCPUs while every
 * virtio device stays ours, served over vhost-user from the same JVM with guest RAM shared through a
 * memfd. {@link io.crumblecracker.engine.qemu.QemuEngine} boots a
 * {@link io.crumblecracker.engine.qemu.QemuConfig} into a {@link io.crumblecracker.engine.qemu.QemuMachine},
 * which owns the QEMU process and reports how it ended as a {@link io.crumblecracker.engine.qemu.QemuExit}.
 *
 * @see <a href="https://www.qemu.org/docs/master/system/i386/microvm.html">QEMU microvm</a>
 */
package io.crumblecracker.engine.qemu;
