/**
 * Legacy PC devices reached through port I/O: the 16550A UART of the serial console and the i8042
 * keyboard controller, whose only real job here is the CPU-reset line.
 *
 * <p>Each device is a pure state machine behind {@link io.crumblecracker.bus.PioDevice}: it talks to
 * the rest of the VMM only through ports injected at construction (an
 * {@link io.crumblecracker.bus.InterruptLine}, an output sink, a reset callback), so tests drive it
 * register by register.
 *
 * @see <a href="https://github.com/rust-vmm/vm-superio">rust-vmm vm-superio</a>
 */
package io.crumblecracker.legacy;
