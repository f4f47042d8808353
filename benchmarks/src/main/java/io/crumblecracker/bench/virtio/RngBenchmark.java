package io.crumblecracker.bench.virtio;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.rng.EntropySource;
import io.crumblecracker.virtio.rng.RngDevice;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4 KiB entropy requests per second through {@link RngDevice#processQueue}: pop a one-descriptor writable
 * chain, fill 4 KiB from the {@link EntropySource} into the device's reused buffer, copy it into guest
 * memory. Sources: {@code secure} is {@link EntropySource#secureRandom()}; {@code kernel} is the KVM engine's
 * allocation-free getrandom(2) source; {@code fill} is a
 * trivial source (a memset) that isolates the device's own cost. Each invocation drains {@link #REQUESTS}
 * requests, then the driver re-posts them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(RngBenchmark.REQUESTS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RngBenchmark {

    /** Requests per invocation. */
    static final int REQUESTS = 16;

    private static final int REQUEST_BYTES = 4096;
    private static final long RING = 0x1000;
    private static final long DATA = 0x10000;

    @Param({"secure", "kernel", "fill"})
    private String source;

    private Arena arena;
    private RngDevice device;
    private RingDriver driver;
    private final CountingInterrupt interrupt = new CountingInterrupt();

    /** Creates the device and publishes {@link #REQUESTS} 4 KiB receive buffers. */
    @Setup(Level.Trial)
    public void setUp() throws RingViolation {
        arena = Arena.ofShared();
        final GuestMemory memory = SegmentGuestMemory.of(arena.allocate(1 << 20, 4096));
        device = new RngDevice(switch (source) {
            case "secure" -> EntropySource.secureRandom();
            case "kernel" -> new io.crumblecracker.machine.KernelEntropy();
            default -> (buffer, offset, length) -> Arrays.fill(buffer, offset, offset + length, (byte) 0x5A);
        });
        driver = new RingDriver(memory, RngDevice.QUEUE_SIZE, RING);
        device.activate(device.deviceFeatures(), memory,
                List.of(driver.activatedQueue(RngDevice.QUEUE_SIZE, true)), interrupt);
        for (int i = 0; i < REQUESTS; i++) {
            driver.publish(driver.prepare(Buffer.writable(DATA + (long) REQUEST_BYTES * i, REQUEST_BYTES)));
        }
    }

    /** Drains the queue ({@link #REQUESTS} requests); the driver then re-posts the buffers. */
    @Benchmark
    public int requests() {
        device.processQueue(0);
        final int done = driver.recycle();
        if (done != REQUESTS || driver.lastUsedLength() != REQUEST_BYTES) {
            throw new IllegalStateException("completed=" + done + " length=" + driver.lastUsedLength());
        }
        return done;
    }

    /** Checks the device saw no errors, then frees guest memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        interrupt.checkHealthy("rng");
        if (device.metrics().guestErrors() != 0) {
            throw new IllegalStateException("guestErrors=" + device.metrics().guestErrors());
        }
        arena.close();
    }
}
