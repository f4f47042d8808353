package io.crumblecracker.api;

/** Who runs a VM's vCPUs (the devices are always ours). */
public enum Engine {
    /** kvm where {@code /dev/kvm} can run guest user mode, else qemu; one log line says which and why. */
    AUTO,
    /** Our VMM on {@code /dev/kvm}, in this JVM. */
    KVM,
    /** QEMU's {@code microvm} (KVM or TCG) runs the vCPUs; our devices are served to it over vhost-user. */
    QEMU
}
