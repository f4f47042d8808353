/**
 * The virtio-mmio transport, version 2 (virtio 1.2 §4.2): register file, status state machine, interrupt
 * status, and the kernel command-line parameter that announces a device.
 */
package io.crumblecracker.virtio.mmio;
