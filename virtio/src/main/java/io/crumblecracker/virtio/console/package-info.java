/** The virtio console device (virtio 1.2 §5.3), single port: output and input ports, console size. */
package io.crumblecracker.virtio.console;
