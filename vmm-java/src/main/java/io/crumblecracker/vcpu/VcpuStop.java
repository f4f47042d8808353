package io.crumblecracker.vcpu;

/**
 * Why a vCPU thread stopped running its guest.
 *
 * @param kind   the category
 * @param detail a human-readable account, e.g. the exit reason and sub-error of an internal error
 */
public record VcpuStop(Kind kind, String detail) {

    /** Categories of vCPU stops. */
    public enum Kind {
        /** The VMM asked the vCPU to stop (machine shutdown, close). */
        REQUESTED,
        /** The guest executed {@code hlt} with no in-kernel local APIC to wait for interrupts. */
        HALTED,
        /** The guest triple-faulted or asked for a reset: Linux with {@code reboot=t} reboots this way. */
        SHUTDOWN,
        /** The guest asked for a power-off through a paravirtual interface. */
        POWER_OFF,
        /** KVM could not run the guest (entry failure, internal error, an unexpected exit). */
        FAILED
    }
}
