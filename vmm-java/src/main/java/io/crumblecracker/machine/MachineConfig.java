package io.crumblecracker.machine;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import io.crumblecracker.virtio.device.VirtioDevice;

/**
 * Everything needed to boot a Linux guest on the KVM engine.
 *
 * @param memoryBytes   guest RAM in bytes, a multiple of 2 MiB, at least 32 MiB
 * @param vcpus         vCPU count, 1 to 64
 * @param kernel        an ELF {@code vmlinux} or a {@code bzImage}
 * @param initramfs     a {@code newc} cpio archive, or {@code null} for none
 * @param extraCmdline  parameters appended to the VMM's own command line (later ones win in Linux)
 * @param compatibility whether to apply {@link KvmCompatibility} (AUTO: on PVM hosts)
 * @param consoleOut    where the serial console's bytes go
 * @param consoleIn     where serial console input comes from, or {@code null} for none
 * @param devices       virtio devices, attached over virtio-mmio in this order (slot 0 is {@code vda} for
 *                      the first block device)
 */
public record MachineConfig(long memoryBytes, int vcpus, Path kernel, byte[] initramfs, List<String> extraCmdline,
                            KvmCompatibility.Mode compatibility, OutputStream consoleOut, InputStream consoleIn,
                            List<VirtioDevice> devices) {

    /** The smallest guest this VMM boots. */
    public static final long MIN_MEMORY = 32L << 20;
    /** The most virtio devices: IOAPIC pins 5 to 23. */
    public static final int MAX_DEVICES = 19;
    /** The largest vCPU count (the MP table's limit here). */
    public static final int MAX_VCPUS = 64;

    /** Validates every field with a message that names it. */
    public MachineConfig {
        if (memoryBytes < MIN_MEMORY || (memoryBytes & ((2L << 20) - 1)) != 0) {
            throw new IllegalArgumentException("memory=" + memoryBytes + " bytes: must be a multiple of 2 MiB and at"
                    + " least 32 MiB");
        }
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("vcpus=" + vcpus + " must be between 1 and " + MAX_VCPUS);
        }
        Objects.requireNonNull(kernel, "kernel");
        extraCmdline = List.copyOf(extraCmdline);
        Objects.requireNonNull(compatibility, "compatibility");
        Objects.requireNonNull(consoleOut, "consoleOut");
        devices = List.copyOf(devices);
        if (devices.size() > MAX_DEVICES) {
            throw new IllegalArgumentException("devices=" + devices.size() + ": at most " + MAX_DEVICES
                    + " virtio devices (one IOAPIC pin each)");
        }
    }

    /** A builder with defaults: 256 MiB, 1 vCPU, no initramfs, compatibility AUTO, console discarded. */
    public static Builder builder(final Path kernel) {
        return new Builder(kernel);
    }

    /** Builds a {@link MachineConfig}. */
    public static final class Builder {
        private long memoryBytes = 256L << 20;
        private int vcpus = 1;
        private final Path kernel;
        private byte[] initramfs;
        private List<String> extraCmdline = List.of();
        private KvmCompatibility.Mode compatibility = KvmCompatibility.Mode.AUTO;
        private OutputStream consoleOut = OutputStream.nullOutputStream();
        private InputStream consoleIn;
        private final List<VirtioDevice> devices = new java.util.ArrayList<>();

        private Builder(final Path kernel) {
            this.kernel = kernel;
        }

        /** Guest RAM in MiB. */
        public Builder memoryMiB(final long mib) {
            this.memoryBytes = mib << 20;
            return this;
        }

        /** vCPU count. */
        public Builder vcpus(final int count) {
            this.vcpus = count;
            return this;
        }

        /** The initramfs archive. */
        public Builder initramfs(final byte[] archive) {
            this.initramfs = archive;
            return this;
        }

        /** Extra kernel command-line parameters. */
        public Builder cmdline(final List<String> parameters) {
            this.extraCmdline = parameters;
            return this;
        }

        /** Whether to apply the PVM compatibility command line. */
        public Builder compatibility(final KvmCompatibility.Mode mode) {
            this.compatibility = mode;
            return this;
        }

        /** Where console output goes. */
        public Builder consoleOut(final OutputStream out) {
            this.consoleOut = out;
            return this;
        }

        /** Where console input comes from. */
        public Builder consoleIn(final InputStream in) {
            this.consoleIn = in;
            return this;
        }

        /** Attaches a virtio device (over virtio-mmio, in call order). */
        public Builder device(final VirtioDevice device) {
            devices.add(Objects.requireNonNull(device, "device"));
            return this;
        }

        /** The validated configuration. */
        public MachineConfig build() {
            return new MachineConfig(memoryBytes, vcpus, kernel, initramfs, extraCmdline, compatibility, consoleOut,
                    consoleIn, devices);
        }
    }

    /** A default generous boot timeout for hosts with emulated kernel mode (about 25 s measured). */
    public static Duration defaultBootTimeout(final HostKvm host) {
        return host.emulatedKernelMode() ? Duration.ofMinutes(3) : Duration.ofSeconds(30);
    }
}
