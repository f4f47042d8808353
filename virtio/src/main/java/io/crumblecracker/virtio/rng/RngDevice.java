package io.crumblecracker.virtio.rng;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.ConfigSpace;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.QueueDrain;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.ChainWriter;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.util.List;
import java.util.Objects;

/**
 * The entropy device (virtio 1.2 §5.4): one request queue whose device-writable buffers it fills with bytes
 * from an injected {@link EntropySource}. No feature bits of its own and no configuration space.
 *
 * <p>Each request gets at most {@link #MAX_ENTROPY_BYTES}: the guest chooses buffer lengths (and may point
 * several descriptors at the same memory), so the length never sizes a host allocation; one buffer of that
 * size is allocated with the device and reused. A chain with a device-readable buffer is completed with
 * used length 0.
 *
 * <p>Thread safety: {@link #activate}, {@link #processQueue} and {@link #reset} are serialised on this
 * object; the rest is immutable.
 */
public final class RngDevice implements VirtioDevice {

    /** The most entropy one request receives. */
    public static final int MAX_ENTROPY_BYTES = 64 * 1024;
    /** The request queue's maximum size. */
    public static final int QUEUE_SIZE = DEFAULT_QUEUE_SIZE;

    private static final ConfigSpace EMPTY_CONFIG = new ConfigSpace(0);

    private final EntropySource source;
    private final byte[] buffer = new byte[MAX_ENTROPY_BYTES];
    private final ChainWriter writer = new ChainWriter();
    private final RngMetrics metrics = new RngMetrics();
    private final QueueDrain.ChainHandler handler = new Handler();
    private SplitQueue queue;
    private VirtioInterrupt interrupt;

    /** Creates the device over {@code source}. */
    public RngDevice(final EntropySource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The device's counters. */
    public RngMetrics metrics() {
        return metrics;
    }

    @Override
    public DeviceType type() {
        return DeviceType.RNG;
    }

    @Override
    public long deviceFeatures() {
        return FeatureBits.COMMON;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    /** The entropy device has no configuration space. */
    @Override
    public ConfigSpace configSpace() {
        return EMPTY_CONFIG;
    }

    @Override
    public synchronized void activate(final long features, final GuestMemory memory, final List<SplitQueue> queues,
            final VirtioInterrupt virtioInterrupt) {
        this.queue = queues.getFirst();
        this.interrupt = Objects.requireNonNull(virtioInterrupt, "virtioInterrupt");
    }

    @Override
    public synchronized void processQueue(final int index) {
        if (index == 0 && queue != null) {
            QueueDrain.drain(0, queue, handler, interrupt);
        }
    }

    @Override
    public synchronized void reset() {
        queue = null;
        interrupt = null;
    }

    /** Fills one request per chain; runs under the device's lock, inside {@link #processQueue}. */
    private final class Handler implements QueueDrain.ChainHandler {

        @Override
        public int handle(final DescriptorChain chain) {
            if (chain.readableCount() != 0) {
                metrics.onGuestError();
                return 0;
            }
            writer.wrap(chain);
            final int length = (int) Math.min(writer.remaining(), MAX_ENTROPY_BYTES);
            source.fill(buffer, 0, length);
            writer.write(buffer, 0, length);
            metrics.onRequest(length);
            return length;
        }

        @Override
        public void onViolation(final QueueViolation violation) {
            metrics.onGuestError();
        }
    }
}
