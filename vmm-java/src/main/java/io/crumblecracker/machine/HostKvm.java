package io.crumblecracker.machine;

import io.crumblecracker.api.HypervisorUnavailableException;
import io.crumblecracker.kvm.Kvm;
import io.crumblecracker.kvm.sys.KvmIoctls;
import io.crumblecracker.kvm.sys.NativeException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this host's KVM can do, probed once: is {@code /dev/kvm} there and ours to open, and does it run
 * guest kernel code natively or in an emulator (PVM, {@code /sys/module/kvm_pvm}), where guest user
 * mode cannot run at all (see ENVIRONMENT.md).
 *
 * @param usable             {@code /dev/kvm} opened and speaks API 12
 * @param problem            why it is not usable, with what to do; empty when usable
 * @param emulatedKernelMode guest kernel mode is emulated (PVM): the compatibility command line is
 *                           needed and guest user mode will not run
 * @param recommendedVcpus   {@code KVM_CAP_NR_VCPUS}, 0 when not usable
 * @param maxVcpus           {@code KVM_CAP_MAX_VCPUS}, 0 when not usable
 */
public record HostKvm(boolean usable, String problem, boolean emulatedKernelMode, int recommendedVcpus,
                      int maxVcpus) {

    /** The module whose presence marks a PVM host. */
    public static final Path PVM_MODULE = Path.of("/sys/module/kvm_pvm");

    /** Probes {@code /dev/kvm} and the PVM marker. Never throws. */
    public static HostKvm probe() {
        final boolean emulated = Files.exists(PVM_MODULE);
        final Path device = Path.of(Kvm.DEVICE);
        if (!Files.exists(device)) {
            return unusable("/dev/kvm does not exist: this host has no KVM (enable virtualisation in the"
                    + " firmware or load kvm_intel/kvm_amd), or use the qemu engine", emulated);
        }
        try (Kvm kvm = Kvm.open()) {
            return new HostKvm(true, "", emulated, kvm.checkExtension(KvmIoctls.KVM_CAP_NR_VCPUS),
                    kvm.checkExtension(KvmIoctls.KVM_CAP_MAX_VCPUS));
        } catch (final NativeException e) {
            final String hint = e.errno() == io.crumblecracker.kvm.sys.Errno.EACCES
                    ? ": add this user to the 'kvm' group or run as root"
                    : "";
            return unusable("cannot open /dev/kvm: " + e.getMessage() + hint, emulated);
        } catch (final IllegalStateException e) {
            return unusable(e.getMessage(), emulated);
        }
    }

    /** Throws the seed's "hypervisor unavailable" error unless KVM is usable. */
    public HostKvm requireUsable() throws HypervisorUnavailableException {
        if (!usable) {
            throw new HypervisorUnavailableException(problem);
        }
        return this;
    }

    private static HostKvm unusable(final String problem, final boolean emulated) {
        return new HostKvm(false, problem, emulated, 0, 0);
    }
}
