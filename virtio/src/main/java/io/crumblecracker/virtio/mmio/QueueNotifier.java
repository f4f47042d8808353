package io.crumblecracker.virtio.mmio;

import io.crumblecracker.virtio.device.VirtioDevice;

/**
 * Where a driver's queue notification (a QueueNotify write, virtio 1.2 §4.2.3.3) goes.
 *
 * <p>The default, {@link #direct}, processes the queue right away on the vCPU thread that wrote the
 * register. The KVM engine can instead register an ioeventfd on QueueNotify (so the write never leaves the
 * kernel) and call {@link VirtioDevice#processQueue} from a worker; then this port is not reached at all, or
 * it hands the index to that worker.
 *
 * <p>Called on a vCPU thread with no transport lock held; must not block for long.
 */
@FunctionalInterface
public interface QueueNotifier {

    /** The driver made buffers available on queue {@code queueIndex}, already checked to exist. */
    void notifyQueue(int queueIndex);

    /** A notifier that processes the queue synchronously on the calling thread. */
    static QueueNotifier direct(final VirtioDevice device) {
        return device::processQueue;
    }
}
