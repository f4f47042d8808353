package io.crumblecracker.bench.virtio;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import io.crumblecracker.virtio.blk.BlkBackend;
import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.blk.BlkLayout;
import io.crumblecracker.virtio.blk.FileBlkBackend;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.testing.BlkRequests;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import io.crumblecracker.virtio.testing.MemoryBlkBackend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * 4 KiB block requests per second through {@link BlkDevice#processQueue}: per request the device pops the
 * three-descriptor chain (16-byte header, 4 KiB data, status byte), parses and validates it, moves the data
 * between the backend and guest memory and writes the status. Backends: {@link FileBlkBackend} on a
 * page-cached temp file (positioned {@code FileChannel} I/O, no fsync) and the test fixture
 * {@link MemoryBlkBackend} (a heap array), which isolates the device's own cost. Each invocation drains
 * {@link #REQUESTS} requests to distinct sectors, then the driver re-posts them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(BlkRequestBenchmark.REQUESTS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class BlkRequestBenchmark {

    /** Requests per invocation. */
    static final int REQUESTS = 16;

    private static final int BLOCK = 4096;
    private static final int DISK_BYTES = 1 << 20;
    private static final long RING = 0x1000;
    private static final long HEADERS = 0x8000;
    private static final long STATUS = 0x9000;
    private static final long DATA = 0x10000;

    @Param({"file", "memory"})
    private String backend;

    @Param({"read", "write"})
    private String op;

    private Arena arena;
    private GuestMemory memory;
    private Path file;
    private BlkBackend disk;
    private BlkDevice device;
    private RingDriver driver;
    private final CountingInterrupt interrupt = new CountingInterrupt();

    /** Creates the disk and the device, and publishes {@link #REQUESTS} requests. */
    @Setup(Level.Trial)
    public void setUp() throws IOException, RingViolation {
        arena = Arena.ofShared();
        memory = SegmentGuestMemory.of(arena.allocate(1 << 20, 4096));
        disk = openDisk();
        device = new BlkDevice(disk, "bench");
        driver = new RingDriver(memory, BlkDevice.QUEUE_SIZE, RING);
        device.activate(device.deviceFeatures(), memory,
                List.of(driver.activatedQueue(BlkDevice.QUEUE_SIZE, true)), interrupt);
        final boolean read = "read".equals(op);
        for (int i = 0; i < REQUESTS; i++) {
            final long header = HEADERS + 16L * i;
            final long data = DATA + (long) BLOCK * i;
            BlkRequests.header(memory, header, read ? BlkLayout.T_IN : BlkLayout.T_OUT, (long) i * BLOCK / 512);
            driver.publish(driver.prepare(Buffer.readable(header, 16),
                    read ? Buffer.writable(data, BLOCK) : Buffer.readable(data, BLOCK),
                    Buffer.writable(STATUS + i, 1)));
        }
    }

    /** Drains the queue ({@link #REQUESTS} requests); the driver then re-posts them. */
    @Benchmark
    public int requests() {
        device.processQueue(0);
        final int done = driver.recycle();
        if (done != REQUESTS || memory.readU8(STATUS) != BlkLayout.S_OK) {
            throw new IllegalStateException("completed=" + done + " status=" + memory.readU8(STATUS));
        }
        return done;
    }

    /** Checks the device saw no errors, then closes the disk and frees guest memory. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        interrupt.checkHealthy("blk");
        if (device.metrics().ioErrors() != 0 || device.metrics().guestErrors() != 0) {
            throw new IllegalStateException("ioErrors=" + device.metrics().ioErrors() + " guestErrors="
                    + device.metrics().guestErrors());
        }
        disk.close();
        if (file != null) {
            Files.deleteIfExists(file);
        }
        arena.close();
    }

    private BlkBackend openDisk() throws IOException {
        if ("memory".equals(backend)) {
            return new MemoryBlkBackend(DISK_BYTES, false);
        }
        file = Files.createTempFile("crumble-blk-bench", ".img");
        final byte[] bytes = new byte[DISK_BYTES];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        Files.write(file, bytes);
        return FileBlkBackend.open(file, false);
    }
}
