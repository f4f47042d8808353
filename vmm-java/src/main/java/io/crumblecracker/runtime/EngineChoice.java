package io.crumblecracker.runtime;

import io.crumblecracker.api.Engine;
import io.crumblecracker.api.HypervisorUnavailableException;
import io.crumblecracker.engine.qemu.QemuConfig;
import io.crumblecracker.engine.qemu.QemuEngine;
import io.crumblecracker.machine.HostKvm;

/**
 * Which engine runs a VM and why (DESIGN.md, "Engines"): kvm where {@code /dev/kvm} can run guest user
 * mode; otherwise qemu, with KVM acceleration where possible and TCG where not.
 *
 * @param engine the engine
 * @param accel  for qemu: how it runs vCPUs ({@code null} for kvm)
 * @param reason one line saying why, for the log
 */
public record EngineChoice(Engine engine, QemuConfig.Accel accel, String reason) {

    /**
     * Decides for {@code requested} on a host described by {@code host} and {@code qemuInstalled}.
     *
     * @throws HypervisorUnavailableException if nothing the request allows can run here
     */
    public static EngineChoice choose(final Engine requested, final HostKvm host, final boolean qemuInstalled)
            throws HypervisorUnavailableException {
        return choose(requested, host, qemuInstalled, false);
    }

    /**
     * As {@link #choose(Engine, HostKvm, boolean)}; with {@code allowEmulatedKvm} an explicit
     * {@link Engine#KVM} request is honoured on a host whose KVM cannot run guest user mode: the guest
     * boots to its {@code /init} and no further (for proving the kvm engine's boot path on such hosts).
     */
    public static EngineChoice choose(final Engine requested, final HostKvm host, final boolean qemuInstalled,
            final boolean allowEmulatedKvm) throws HypervisorUnavailableException {
        final boolean kvmRunsUserMode = host.usable() && !host.emulatedKernelMode();
        final String kvmProblem = !host.usable() ? host.problem()
                : "/dev/kvm emulates guest kernel mode (PVM) and cannot run guest user mode";
        return switch (requested) {
            case KVM -> {
                if (!kvmRunsUserMode && host.usable() && allowEmulatedKvm) {
                    yield new EngineChoice(Engine.KVM, null, "requested; " + kvmProblem
                            + ": the guest will stop at /init");
                }
                if (!kvmRunsUserMode) {
                    throw new HypervisorUnavailableException("the kvm engine cannot run containers here: "
                            + kvmProblem + "; use Engine.QEMU or Engine.AUTO");
                }
                yield new EngineChoice(Engine.KVM, null, "requested; /dev/kvm runs guest user mode");
            }
            case QEMU -> qemu(qemuInstalled, kvmRunsUserMode, "requested");
            case AUTO -> kvmRunsUserMode
                    ? new EngineChoice(Engine.KVM, null, "/dev/kvm runs guest user mode")
                    : qemu(qemuInstalled, false, "kvm cannot: " + kvmProblem);
        };
    }

    private static EngineChoice qemu(final boolean installed, final boolean kvm, final String why)
            throws HypervisorUnavailableException {
        if (!installed) {
            throw new HypervisorUnavailableException("no engine can run this VM: " + why + ", and "
                    + QemuEngine.BINARY + " is not installed (" + QemuEngine.INSTALL_HINT + ")");
        }
        return new EngineChoice(Engine.QEMU, kvm ? QemuConfig.Accel.KVM : QemuConfig.Accel.TCG,
                why + (kvm ? "; QEMU with KVM" : "; QEMU's TCG emulates the CPU (slower)"));
    }

    /** The log line. */
    public String describe() {
        return "engine " + engine.name().toLowerCase() + (accel == null ? "" : " (" + accel.name().toLowerCase()
                + ")") + ": " + reason;
    }
}
