package io.crumblecracker.virtio.device;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.util.List;

/**
 * A virtio device (virtio 1.2 §2 "Basic Facilities of a Virtio Device"), independent of its transport.
 *
 * <p>The device owns its features, configuration space and queue sizes. A transport negotiates features,
 * collects the driver's queue configuration, validates and activates the queues, then calls
 * {@link #activate}: from then on the device may touch guest memory, but only the queues and memory it was
 * handed. {@link #processQueue} is a plain method that drains one queue; the transport (or a worker woken
 * by an ioeventfd) calls it on a driver notification, and tests call it directly. {@link #reset} returns the
 * device to its state before activation.
 *
 * <p>Guest misbehaviour never escapes as an exception: a bad chain is completed with an error or used
 * length 0, a broken queue makes the device call {@link VirtioInterrupt#signalNeedsReset()}.
 *
 * <p>Thread safety: {@link #activate}, {@link #processQueue} and {@link #reset} may come from different
 * threads (vCPU, event loop, worker); implementations serialise them. Feature and config accessors are
 * called on vCPU threads.
 */
public interface VirtioDevice {

    /** The device type, whose ID the transport reports. */
    DeviceType type();

    /** Every feature bit the device offers, {@link FeatureBits#VERSION_1} included. */
    long deviceFeatures();

    /** The number of virtqueues. */
    int queueCount();

    /** The queue size a device offers unless it overrides {@link #queueMaxSize}. */
    int DEFAULT_QUEUE_SIZE = 256;

    /** The largest size the driver may give queue {@code index} (a power of two up to 32768). */
    default int queueMaxSize(final int index) {
        return DEFAULT_QUEUE_SIZE;
    }

    /** The device configuration space (empty for devices without one). */
    ConfigSpace configSpace();

    /** The size of the device configuration space in bytes. */
    default int configSize() {
        return configSpace().size();
    }

    /**
     * Reads {@code size} (1, 2, 4 or 8) bytes of configuration space at {@code offset}, little-endian.
     * Out-of-range accesses read 0.
     */
    default long readConfig(final int offset, final int size) {
        return configSpace().guestRead(offset, size);
    }

    /**
     * Writes configuration space; out-of-range or read-only accesses are ignored. By default every field is
     * read-only to the driver.
     */
    default void writeConfig(final int offset, final int size, final long value) {
        // Read-only configuration space.
    }

    /**
     * Starts the device after the driver set DRIVER_OK.
     *
     * @param features  the negotiated features (a subset of {@link #deviceFeatures()})
     * @param memory    guest memory, for the queues' buffers
     * @param queues    all {@link #queueCount()} queues, in order; those the driver made ready are active
     * @param interrupt how to notify the driver
     */
    void activate(long features, GuestMemory memory, List<SplitQueue> queues, VirtioInterrupt interrupt);

    /**
     * Drains queue {@code index}: disables notifications, processes every available chain, re-enables and
     * re-checks, then interrupts the driver if it asked to be. Does nothing unless the device is active and
     * the index names an active queue.
     */
    void processQueue(int index);

    /** Returns the device to its state before activation; it forgets the queues and memory. */
    void reset();
}
