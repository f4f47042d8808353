/**
 * The virtio socket device (virtio 1.2 §5.10), stream sockets only: the device, the packet header
 * flyweight, the connection state machine with credit-based flow control, and the host-side ports.
 */
package io.crumblecracker.virtio.vsock;
