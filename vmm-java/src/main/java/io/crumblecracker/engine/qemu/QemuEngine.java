package io.crumblecracker.engine.qemu;

import io.crumblecracker.api.HypervisorUnavailableException;
import io.crumblecracker.api.VmException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The qemu engine: {@code qemu-system-x86_64 -M microvm} executes the guest's vCPUs (with TCG, or KVM if
 * asked), and every virtio device is one of ours, served over vhost-user from this JVM with guest memory
 * shared through a memfd. Hosts without usable KVM run full guests this way.
 *
 * <p>Thread safety: immutable; {@link #boot} may be called from any thread.
 *
 * @see <a href="https://www.qemu.org/docs/master/system/i386/microvm.html">QEMU microvm</a>
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html">vhost-user protocol</a>
 */
public final class QemuEngine {

    /** The executable looked up on {@code PATH}. */
    public static final String BINARY = "qemu-system-x86_64";
    /** What to run when QEMU is missing (Debian and Ubuntu). */
    public static final String INSTALL_HINT = "apt-get install qemu-system-x86";

    private final Path binary;

    private QemuEngine(final Path binary) {
        this.binary = binary;
    }

    /**
     * Finds {@value #BINARY} on {@code PATH}.
     *
     * @throws HypervisorUnavailableException if it is not installed; the message says how to install it
     */
    public static QemuEngine locate() throws HypervisorUnavailableException {
        return at(find(System.getenv("PATH")).orElseThrow(() -> new HypervisorUnavailableException(
                "QEMU is not installed: " + BINARY + " was not found on PATH; install it with `" + INSTALL_HINT
                        + "`")));
    }

    /**
     * Uses the QEMU executable at {@code binary}.
     *
     * @throws HypervisorUnavailableException if it is not an executable file
     */
    public static QemuEngine at(final Path binary) throws HypervisorUnavailableException {
        Objects.requireNonNull(binary, "binary");
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw new HypervisorUnavailableException("QEMU is not installed: " + binary + " is not an executable "
                    + "file; install it with `" + INSTALL_HINT + "`");
        }
        return new QemuEngine(binary);
    }

    /** True if {@value #BINARY} is on {@code PATH}. */
    public static boolean isInstalled() {
        return find(System.getenv("PATH")).isPresent();
    }

    /** The QEMU executable. */
    public Path binary() {
        return binary;
    }

    /**
     * Boots {@code config}: starts a vhost-user backend per device, then QEMU, and returns once QEMU has
     * started a vhost-user session with every backend.
     *
     * @throws HypervisorUnavailableException if KVM acceleration was asked for and {@code /dev/kvm} is not
     *                                        accessible
     * @throws VmException                    if QEMU cannot start or exits during start-up; the message has
     *                                        its standard error
     */
    public QemuMachine boot(final QemuConfig config) throws VmException {
        if (config.accel() == QemuConfig.Accel.KVM) {
            final Path kvm = Path.of("/dev/kvm");
            if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
                throw new HypervisorUnavailableException("accel=KVM but /dev/kvm is missing or not accessible to "
                        + "this user; use accel=TCG, or add the user to the kvm group");
            }
        }
        if (!Files.isReadable(config.kernel())) {
            throw new VmException("kernel=" + config.kernel() + " is not a readable file");
        }
        return QemuMachine.start(binary, config);
    }

    static Optional<Path> find(final String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (final String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            final Path candidate = Path.of(dir, BINARY);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
