package io.crumblecracker.virtio.device;

/**
 * How a device tells its driver something (virtio 1.2 §2.3 notifications, §2.1.2 DEVICE_NEEDS_RESET). The
 * transport implements it: virtio-mmio sets its InterruptStatus bits and raises one interrupt line; a
 * vhost-user backend writes the queue's call eventfd.
 *
 * <p>Thread safety: callable from any thread; never blocks.
 */
public interface VirtioInterrupt {

    /** Sends a used-buffer notification for queue {@code queueIndex}. */
    void signalUsedBuffers(int queueIndex);

    /** Sends a configuration-change notification. */
    void signalConfigChange();

    /** Sets DEVICE_NEEDS_RESET and tells the driver (a configuration-change notification). */
    void signalNeedsReset();
}
