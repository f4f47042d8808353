package io.crumblecracker.machine;

import io.crumblecracker.vcpu.VcpuStop;

/**
 * How a machine ended.
 *
 * @param reason      what stopped the first vCPU that stopped (the others were then stopped)
 * @param detail      a human-readable account
 * @param reachedInit the kernel started {@code /init}
 * @param panic       the kernel's panic line, or {@code null}
 */
public record MachineExit(VcpuStop.Kind reason, String detail, boolean reachedInit, String panic) {

    /** True if the guest ended by itself (reboot, power-off) without a kernel panic. */
    public boolean cleanGuestExit() {
        return panic == null && (reason == VcpuStop.Kind.SHUTDOWN || reason == VcpuStop.Kind.POWER_OFF);
    }
}
