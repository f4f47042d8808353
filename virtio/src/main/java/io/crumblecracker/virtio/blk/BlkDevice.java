package io.crumblecracker.virtio.blk;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.ConfigSpace;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.QueueDrain;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The block device (virtio 1.2 §5.2): one request queue over a {@link BlkBackend}. Offers SEG_MAX,
 * BLK_SIZE (512), FLUSH, and RO for a read-only backend; the capacity is the backend's size in whole
 * 512-byte sectors. Each request is parsed and validated ({@link BlkRequest}) before any I/O, then executed,
 * and its status byte is written last.
 *
 * <p>Thread safety: {@link #activate}, {@link #processQueue} and {@link #reset} are serialised on this
 * object; configuration reads are lock-free.
 */
public final class BlkDevice implements VirtioDevice {

    /** The request queue's maximum size. */
    public static final int QUEUE_SIZE = DEFAULT_QUEUE_SIZE;

    private final BlkBackend backend;
    private final long capacitySectors;
    private final long features;
    private final ConfigSpace config = new ConfigSpace(BlkLayout.CONFIG_SIZE);
    private final BlkMetrics metrics = new BlkMetrics();
    private final BlkRequest request = new BlkRequest();
    private final BlkExecutor executor;
    private final QueueDrain.ChainHandler handler = new Handler();
    private SplitQueue queue;
    private VirtioInterrupt interrupt;

    /**
     * Creates the device.
     *
     * @param backend the disk
     * @param serial  the device ID returned by GET_ID: at most 20 bytes of US-ASCII
     */
    public BlkDevice(final BlkBackend backend, final String serial) {
        this.backend = Objects.requireNonNull(backend, "backend");
        final byte[] ascii = serial.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length > BlkLayout.ID_BYTES) {
            throw new IllegalArgumentException("serial=" + serial + " is longer than " + BlkLayout.ID_BYTES);
        }
        this.capacitySectors = backend.size() >>> BlkLayout.SECTOR_SHIFT;
        this.features = FeatureBits.COMMON | BlkLayout.F_SEG_MAX | BlkLayout.F_BLK_SIZE | BlkLayout.F_FLUSH
                | (backend.isReadOnly() ? BlkLayout.F_RO : 0);
        this.executor = new BlkExecutor(backend, Arrays.copyOf(ascii, BlkLayout.ID_BYTES), metrics);
        config.putU64(BlkLayout.CONFIG_CAPACITY, capacitySectors);
        config.putU32(BlkLayout.CONFIG_SEG_MAX, QUEUE_SIZE - 2);
        config.putU32(BlkLayout.CONFIG_BLK_SIZE, BlkLayout.SECTOR_SIZE);
    }

    /** The capacity in 512-byte sectors. */
    public long capacitySectors() {
        return capacitySectors;
    }

    /** The device's counters. */
    public BlkMetrics metrics() {
        return metrics;
    }

    @Override
    public DeviceType type() {
        return DeviceType.BLOCK;
    }

    @Override
    public long deviceFeatures() {
        return features;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    /** Every field is read-only to the driver (no VIRTIO_BLK_F_CONFIG_WCE). */
    @Override
    public ConfigSpace configSpace() {
        return config;
    }

    @Override
    public synchronized void activate(final long negotiated, final GuestMemory memory,
            final List<SplitQueue> queues, final VirtioInterrupt virtioInterrupt) {
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

    /** Parses, then executes, one request; runs under the device's lock inside {@link #processQueue}. */
    private final class Handler implements QueueDrain.ChainHandler {

        @Override
        public int handle(final DescriptorChain chain) {
            return executor.execute(chain, request.parse(chain, capacitySectors, backend.isReadOnly()));
        }

        @Override
        public void onViolation(final QueueViolation violation) {
            metrics.onGuestError();
        }
    }
}
