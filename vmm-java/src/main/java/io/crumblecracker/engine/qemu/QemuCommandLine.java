package io.crumblecracker.engine.qemu;

import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.net.NetDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code qemu-system-x86_64} argument vector for a {@link QemuConfig}: a {@code microvm} without ACPI
 * whose RAM is a shared memfd (so vhost-user backends can map it), the serial console on stdio, direct
 * kernel boot, no default devices, {@code -no-reboot} so a guest reboot ends QEMU, and per device a socket
 * chardev plus its vhost-user front-end on the virtio-mmio bus. microvm announces the devices on the kernel
 * command line itself ({@code auto-kernel-cmdline}).
 *
 * <p>The virtio-mmio transports are modern ({@code force-legacy=false}), so drivers negotiate VERSION_1.
 *
 * <p>A network device is QEMU's own {@code virtio-net-device} front-end (which owns the configuration
 * space, so it is given our device's MAC) over a {@code -netdev vhost-user} backend whose rings we serve.
 *
 * @see <a href="https://www.qemu.org/docs/master/system/i386/microvm.html">QEMU microvm</a>
 */
final class QemuCommandLine {

    /** What the engine puts on every kernel command line before the caller's parameters. */
    static final List<String> BASE_CMDLINE = List.of("console=ttyS0", "reboot=t", "panic=-1");

    private QemuCommandLine() {
    }

    /**
     * Builds the command.
     *
     * @param binary  the QEMU executable
     * @param config  the machine
     * @param initrd  the initramfs file, or {@code null}
     * @param sockets one vhost-user socket per device, in device order
     */
    static List<String> build(final Path binary, final QemuConfig config, final Path initrd, final List<Path> sockets) {
        final String memory = config.memoryMiB() + "M";
        final List<String> args = new ArrayList<>(List.of(binary.toString(),
                "-M", "microvm,acpi=off,memory-backend=mem",
                "-object", "memory-backend-memfd,id=mem,size=" + memory + ",share=on",
                "-m", memory,
                "-smp", Integer.toString(config.cpus()),
                "-accel", config.accel() == QemuConfig.Accel.KVM ? "kvm" : "tcg",
                "-nographic", "-nodefaults", "-no-reboot",
                "-serial", "stdio",
                "-kernel", config.kernel().toString()));
        if (initrd != null) {
            args.addAll(List.of("-initrd", initrd.toString()));
        }
        final List<String> cmdline = new ArrayList<>(BASE_CMDLINE);
        cmdline.addAll(config.extraCmdline());
        args.addAll(List.of("-append", String.join(" ", cmdline)));
        // microvm's virtio-mmio transports default to legacy (version 1) devices; ours are virtio 1.x devices
        // (VERSION_1: a 12-byte virtio_net_hdr, little-endian config), so the transports must be modern.
        args.addAll(List.of("-global", "virtio-mmio.force-legacy=false"));
        for (int i = 0; i < sockets.size(); i++) {
            args.addAll(List.of("-chardev", "socket,id=vu" + i + ",path=" + escape(sockets.get(i).toString())));
            args.addAll(deviceArguments(config.devices().get(i), i));
        }
        return List.copyOf(args);
    }

    /** The command as a shell would need it, for messages: arguments with spaces or quotes are quoted. */
    static String display(final List<String> command) {
        final StringBuilder text = new StringBuilder();
        for (final String arg : command) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(arg.matches("[A-Za-z0-9_./,=:@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return text.toString();
    }

    /** Escapes a value inside a QEMU option list, where a comma separates options ({@code ,,} is a comma). */
    static String escape(final String value) {
        return value.replace(",", ",,");
    }

    /**
     * The arguments attaching device number {@code index} to the chardev {@code vu<index>}: a vhost-user
     * {@code -device}, or for a network device a {@code -netdev vhost-user} plus the {@code virtio-net-device}
     * that uses it.
     */
    static List<String> deviceArguments(final VirtioDevice device, final int index) {
        final String chardev = "vu" + index;
        if (device.type() == DeviceType.NET) {
            final String netdev = "net" + index;
            return List.of("-netdev", "vhost-user,id=" + netdev + ",chardev=" + chardev,
                    "-device", frontEnd(device) + ",netdev=" + netdev);
        }
        return List.of("-device", frontEnd(device) + ",chardev=" + chardev);
    }

    /** QEMU 7.2's front-end for the device's type, with its fixed options. */
    static String frontEnd(final VirtioDevice device) {
        return switch (device.type()) {
            case BLOCK -> "vhost-user-blk,num-queues=" + device.queueCount();
            case RNG -> "vhost-user-rng";
            case VSOCK -> "vhost-user-vsock-device";
            case NET -> "virtio-net-device" + (device instanceof NetDevice net ? ",mac=" + mac(net.mac()) : "");
            default -> throw new IllegalArgumentException("no vhost-user front-end for " + device.type());
        };
    }

    /** {@code 52:54:00:12:34:56}. */
    static String mac(final byte[] mac) {
        final StringBuilder text = new StringBuilder();
        for (final byte b : mac) {
            if (!text.isEmpty()) {
                text.append(':');
            }
            text.append(String.format("%02x", b & 0xFF));
        }
        return text.toString();
    }
}
