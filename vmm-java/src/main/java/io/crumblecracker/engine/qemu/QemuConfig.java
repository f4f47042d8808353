package io.crumblecracker.engine.qemu;

import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.VirtioDevice;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to boot a Linux guest on the qemu engine: QEMU's {@code microvm} machine runs the
 * vCPUs, and every virtio device is one of ours, served over vhost-user from this JVM.
 *
 * @param memoryMiB    guest RAM in MiB (shared with the devices through a memfd), at least 32
 * @param cpus         vCPU count, 1 to 64
 * @param accel        how QEMU runs the vCPUs
 * @param kernel       a {@code bzImage} (or ELF {@code vmlinux} with a PVH note)
 * @param initramfs    a {@code newc} cpio archive, or {@code null} for none
 * @param extraCmdline parameters appended to the engine's own kernel command line (later ones win)
 * @param consoleOut   where the serial console's bytes go
 * @param devices      virtio devices, attached in this order; only {@link #SUPPORTED} types
 */
public record QemuConfig(int memoryMiB, int cpus, Accel accel, Path kernel, byte[] initramfs,
                         List<String> extraCmdline, OutputStream consoleOut, List<VirtioDevice> devices) {

    /**
     * Device types QEMU 7.2 can attach over vhost-user on microvm's virtio-mmio bus (net: QEMU's
     * {@code virtio-net-device} on a {@code vhost-user} netdev).
     */
    public static final List<DeviceType> SUPPORTED = List.of(DeviceType.BLOCK, DeviceType.RNG, DeviceType.VSOCK,
            DeviceType.NET);
    /** microvm's virtio-mmio transports. */
    public static final int MAX_DEVICES = 8;

    /** How QEMU executes guest code. */
    public enum Accel {
        /** QEMU's software CPU emulator: works everywhere, user mode included, slower. */
        TCG,
        /** Hardware virtualisation through {@code /dev/kvm}. */
        KVM
    }

    /** Validates every field with a message that names it. */
    public QemuConfig {
        if (memoryMiB < 32) {
            throw new IllegalArgumentException("memoryMiB=" + memoryMiB + " must be at least 32");
        }
        if (cpus < 1 || cpus > 64) {
            throw new IllegalArgumentException("cpus=" + cpus + " must be between 1 and 64");
        }
        Objects.requireNonNull(accel, "accel");
        Objects.requireNonNull(kernel, "kernel");
        initramfs = initramfs == null ? null : initramfs.clone();
        extraCmdline = List.copyOf(extraCmdline);
        Objects.requireNonNull(consoleOut, "consoleOut");
        devices = List.copyOf(devices);
        if (devices.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("devices=" + devices.size() + ": microvm has " + MAX_DEVICES
                    + " virtio-mmio transports");
        }
        for (final VirtioDevice device : devices) {
            if (!SUPPORTED.contains(device.type())) {
                throw new IllegalArgumentException("device type " + device.type() + " is not supported by the qemu"
                        + " engine yet; supported: " + SUPPORTED);
            }
        }
    }

    /** A builder with defaults: 256 MiB, 1 vCPU, TCG, no initramfs, console discarded. */
    public static Builder builder(final Path kernel) {
        return new Builder(kernel);
    }

    /** Builds a {@link QemuConfig}. */
    public static final class Builder {
        private final Path kernel;
        private int memoryMiB = 256;
        private int cpus = 1;
        private Accel accel = Accel.TCG;
        private byte[] initramfs;
        private List<String> extraCmdline = List.of();
        private OutputStream consoleOut = OutputStream.nullOutputStream();
        private final List<VirtioDevice> devices = new ArrayList<>();

        private Builder(final Path kernel) {
            this.kernel = kernel;
        }

        /** Guest RAM in MiB. */
        public Builder memoryMiB(final int mib) {
            this.memoryMiB = mib;
            return this;
        }

        /** vCPU count. */
        public Builder cpus(final int count) {
            this.cpus = count;
            return this;
        }

        /** TCG (default) or KVM. */
        public Builder accel(final Accel accelerator) {
            this.accel = accelerator;
            return this;
        }

        /** The initramfs archive. */
        public Builder initramfs(final byte[] archive) {
            this.initramfs = archive;
            return this;
        }

        /** Kernel parameters appended to the engine's own. */
        public Builder cmdline(final List<String> parameters) {
            this.extraCmdline = parameters;
            return this;
        }

        /** Where console output goes. */
        public Builder consoleOut(final OutputStream out) {
            this.consoleOut = out;
            return this;
        }

        /** Attaches a device (after those attached before). */
        public Builder device(final VirtioDevice device) {
            devices.add(Objects.requireNonNull(device, "device"));
            return this;
        }

        /** The validated configuration. */
        public QemuConfig build() {
            return new QemuConfig(memoryMiB, cpus, accel, kernel, initramfs, extraCmdline, consoleOut, devices);
        }
    }
}
