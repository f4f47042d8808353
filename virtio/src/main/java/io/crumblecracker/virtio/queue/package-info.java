/**
 * The split virtqueue (virtio 1.2 §2.7), device side: ring layout, validated descriptor chains, byte-stream
 * readers and writers over a chain, and the violations a hostile driver can cause.
 *
 * <p>Every number read from guest memory is checked before use, and nothing on the processing path
 * allocates: chains and cursors are reusable flyweights.
 */
package io.crumblecracker.virtio.queue;
