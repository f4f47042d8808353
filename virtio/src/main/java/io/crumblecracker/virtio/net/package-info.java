/**
 * The virtio network device (virtio 1.2 §5.1), one queue pair without offloads: the device, its backend
 * port, the bounded receive backlog and the wire constants.
 */
package io.crumblecracker.virtio.net;
