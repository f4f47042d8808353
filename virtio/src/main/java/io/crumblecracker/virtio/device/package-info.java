/**
 * The transport-independent device contract (virtio 1.2 §2): device types, status bits, feature bits, the
 * configuration space, the interrupt port and the shared queue-draining loop.
 */
package io.crumblecracker.virtio.device;
