/** The virtio entropy device (virtio 1.2 §5.4). */
package io.crumblecracker.virtio.rng;
