/** The virtio block device (virtio 1.2 §5.2): request parser, executor, backend port and a file backend. */
package io.crumblecracker.virtio.blk;
