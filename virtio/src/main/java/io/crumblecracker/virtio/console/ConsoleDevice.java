package io.crumblecracker.virtio.console;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.ConfigSpace;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.QueueDrain;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.ChainReader;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.util.List;
import java.util.Objects;

/**
 * The console device (virtio 1.2 §5.3) with a single port: no MULTIPORT, so only receiveq(port0) and
 * transmitq(port0). Bytes the guest transmits go to an injected {@link ConsoleOutput}; bytes the host
 * pushes with {@link #input} wait in a bounded buffer until the guest supplies receive buffers. With a size
 * given at construction the device offers VIRTIO_CONSOLE_F_SIZE, and {@link #resize} updates
 * {@code cols}/{@code rows} and sends a configuration-change notification (§5.3.6).
 *
 * <p>Each transmit chain yields at most {@link #MAX_OUTPUT_BYTES}, copied through one reused chunk: the
 * guest's lengths never size an allocation, and the rest of an oversized chain is skipped and counted.
 * Device-writable buffers in a transmit chain (§5.3.6.1 forbids them) are ignored.
 *
 * <p>Thread safety: every method that touches queues or the input buffer is serialised on this object, so
 * host threads may call {@link #input} and {@link #resize} at any time; configuration reads are lock-free.
 */
public final class ConsoleDevice implements VirtioDevice {

    /** The maximum size of each queue. */
    public static final int QUEUE_SIZE = DEFAULT_QUEUE_SIZE;
    /** The most output taken from one transmit chain. */
    public static final int MAX_OUTPUT_BYTES = 64 * 1024;
    /** The input buffer's default capacity. */
    public static final int DEFAULT_INPUT_CAPACITY = 64 * 1024;

    private static final int CHUNK = 4096;

    private final ConsoleOutput output;
    private final boolean sized;
    private final ConfigSpace config = new ConfigSpace(ConsoleLayout.CONFIG_SIZE);
    private final ConsoleMetrics metrics = new ConsoleMetrics();
    private final ConsoleInput input;
    private final byte[] chunk = new byte[CHUNK];
    private final ChainReader reader = new ChainReader();
    private final QueueDrain.ChainHandler transmit = new Transmit();
    private SplitQueue transmitQueue;
    private VirtioInterrupt interrupt;
    private long negotiated;

    /**
     * Creates a console without a size (VIRTIO_CONSOLE_F_SIZE not offered).
     *
     * @param output        where the guest's output goes
     * @param inputCapacity bytes of input buffered while the guest has no receive buffers, in [1, 16 MiB]
     */
    public ConsoleDevice(final ConsoleOutput output, final int inputCapacity) {
        this(output, inputCapacity, false);
    }

    /**
     * Creates a console of {@code cols} x {@code rows} characters, offering VIRTIO_CONSOLE_F_SIZE.
     *
     * @param output        where the guest's output goes
     * @param inputCapacity bytes of input buffered while the guest has no receive buffers, in [1, 16 MiB]
     * @param cols          columns, in [0, 65535]
     * @param rows          rows, in [0, 65535]
     */
    public ConsoleDevice(final ConsoleOutput output, final int inputCapacity, final int cols, final int rows) {
        this(output, inputCapacity, true);
        putSize(cols, rows);
    }

    private ConsoleDevice(final ConsoleOutput output, final int inputCapacity, final boolean sized) {
        this.output = Objects.requireNonNull(output, "output");
        this.sized = sized;
        this.input = new ConsoleInput(inputCapacity, metrics);
    }

    /** The device's counters. */
    public ConsoleMetrics metrics() {
        return metrics;
    }

    /**
     * Pushes host input towards the guest: buffers as much of {@code src[offset..offset+length)} as fits,
     * then moves buffered bytes into whatever receive buffers the guest has supplied.
     *
     * @return the number of bytes accepted; the rest was refused (the buffer is full) and
     *         {@link ConsoleOutput#onInputSpace} will be called once the guest has taken some
     */
    public synchronized int input(final byte[] src, final int offset, final int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        final int accepted = input.offer(src, offset, length);
        deliverInput();
        return accepted;
    }

    /** Bytes of input buffered and not yet delivered to the guest. */
    public synchronized int pendingInput() {
        return input.pending();
    }

    /**
     * Changes the console size and, if the driver negotiated VIRTIO_CONSOLE_F_SIZE, tells it with a
     * configuration-change notification.
     *
     * @throws IllegalStateException if the device was created without a size
     */
    public synchronized void resize(final int cols, final int rows) {
        if (!sized) {
            throw new IllegalStateException("console created without a size; VIRTIO_CONSOLE_F_SIZE not offered");
        }
        putSize(cols, rows);
        if (interrupt != null && FeatureBits.has(negotiated, ConsoleLayout.F_SIZE)) {
            interrupt.signalConfigChange();
        }
    }

    @Override
    public DeviceType type() {
        return DeviceType.CONSOLE;
    }

    @Override
    public long deviceFeatures() {
        return FeatureBits.COMMON | (sized ? ConsoleLayout.F_SIZE : 0);
    }

    @Override
    public int queueCount() {
        return 2;
    }

    /** cols and rows, read-only; emerg_wr is not offered. */
    @Override
    public ConfigSpace configSpace() {
        return config;
    }

    @Override
    public synchronized void activate(final long features, final GuestMemory memory, final List<SplitQueue> queues,
            final VirtioInterrupt virtioInterrupt) {
        this.interrupt = Objects.requireNonNull(virtioInterrupt, "virtioInterrupt");
        this.negotiated = features;
        this.transmitQueue = queues.get(ConsoleLayout.TRANSMIT_QUEUE);
        input.attach(queues.get(ConsoleLayout.RECEIVE_QUEUE), virtioInterrupt);
        deliverInput();
    }

    @Override
    public synchronized void processQueue(final int index) {
        if (interrupt == null) {
            return;
        }
        if (index == ConsoleLayout.RECEIVE_QUEUE) {
            deliverInput();
        } else if (index == ConsoleLayout.TRANSMIT_QUEUE) {
            QueueDrain.drain(index, transmitQueue, transmit, interrupt);
        }
    }

    /** Forgets the queues; buffered input is discarded, the console size is kept. */
    @Override
    public synchronized void reset() {
        input.detach();
        transmitQueue = null;
        interrupt = null;
        negotiated = 0;
    }

    private void deliverInput() {
        if (input.deliver()) {
            output.onInputSpace();
        }
    }

    private void putSize(final int cols, final int rows) {
        if (cols < 0 || cols > 0xFFFF || rows < 0 || rows > 0xFFFF) {
            throw new IllegalArgumentException("cols=" + cols + " rows=" + rows + " are not in [0, 65535]");
        }
        config.putU16(ConsoleLayout.CONFIG_COLS, cols);
        config.putU16(ConsoleLayout.CONFIG_ROWS, rows);
    }

    /** Hands one transmit chain's bytes to the output port; runs under the device's lock. */
    private final class Transmit implements QueueDrain.ChainHandler {

        @Override
        public int handle(final DescriptorChain chain) {
            reader.wrap(chain);
            final long total = reader.remaining();
            if (total > MAX_OUTPUT_BYTES || chain.writableLength() != 0) {
                metrics.onGuestError();
            }
            long left = Math.min(total, MAX_OUTPUT_BYTES);
            while (left > 0) {
                final int step = (int) Math.min(left, CHUNK);
                reader.read(chunk, 0, step);
                output.write(chunk, 0, step);
                left -= step;
            }
            metrics.onOutput(Math.min(total, MAX_OUTPUT_BYTES));
            return 0;
        }

        @Override
        public void onViolation(final QueueViolation violation) {
            metrics.onGuestError();
        }
    }
}
