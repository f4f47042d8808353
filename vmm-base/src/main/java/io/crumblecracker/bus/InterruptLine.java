package io.crumblecracker.bus;

/**
 * An interrupt a device can raise: an edge to its interrupt controller pin (an irqfd underneath in the
 * KVM engine, a call fd in vhost-user).
 *
 * <p>Thread safety: callable from any thread; never blocks.
 */
@FunctionalInterface
public interface InterruptLine {

    /** Raises the interrupt once. */
    void trigger();

    /** A line connected to nothing, for devices whose interrupts nobody listens to. */
    InterruptLine NONE = () -> { };
}
