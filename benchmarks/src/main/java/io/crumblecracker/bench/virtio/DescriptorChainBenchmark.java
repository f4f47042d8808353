package io.crumblecracker.bench.virtio;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import io.crumblecracker.virtio.queue.ChainViolation;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import java.lang.foreign.Arena;
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
 * Descriptor chains per second through the bare queue: {@link SplitQueue#popChain} (read the available
 * ring, load and validate every descriptor into the chain flyweight) and {@link SplitQueue#addUsed}
 * (publish the used entry), for chains of 1, 3 and 16 descriptors, direct or through one indirect table.
 * No device: buffers are not touched. Each op also includes the driver re-publishing the head (two u16
 * writes); the batch of {@link #CHAINS} chains is drained per invocation. Must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(DescriptorChainBenchmark.CHAINS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class DescriptorChainBenchmark {

    /** Chains per invocation: 16 chains of 16 descriptors fill the 256-entry table. */
    static final int CHAINS = 16;

    private static final int QUEUE_SIZE = 256;
    private static final long RING = 0x1000;
    private static final long INDIRECT_TABLES = 0x8000;
    private static final long DATA = 0x10000;
    private static final int BUFFER_BYTES = 256;

    @Param({"1", "3", "16"})
    private int descriptors;

    @Param({"direct", "indirect"})
    private String layout;

    private Arena arena;
    private RingDriver driver;
    private SplitQueue queue;

    /** Lays out {@link #CHAINS} chains (first descriptor device-readable, the rest writable) and publishes them. */
    @Setup(Level.Trial)
    public void setUp() throws RingViolation {
        arena = Arena.ofShared();
        final GuestMemory memory = SegmentGuestMemory.of(arena.allocate(1 << 20, 4096));
        driver = new RingDriver(memory, QUEUE_SIZE, RING);
        final boolean indirect = "indirect".equals(layout);
        queue = driver.activatedQueue(QUEUE_SIZE, indirect);
        for (int c = 0; c < CHAINS; c++) {
            final Buffer[] buffers = new Buffer[descriptors];
            for (int d = 0; d < descriptors; d++) {
                final long address = DATA + (long) (c * descriptors + d) * BUFFER_BYTES;
                buffers[d] = d == 0 ? Buffer.readable(address, BUFFER_BYTES) : Buffer.writable(address, BUFFER_BYTES);
            }
            driver.publish(indirect
                    ? driver.prepareIndirect(INDIRECT_TABLES + (long) c * 16 * 16, buffers)
                    : driver.prepare(buffers));
        }
    }

    /** Pops and completes every published chain, then the driver re-publishes them. */
    @Benchmark
    public long chains() throws ChainViolation, RingViolation {
        long descriptorsSeen = 0;
        DescriptorChain chain;
        while ((chain = queue.popChain()) != null) {
            descriptorsSeen += chain.descriptorCount();
            queue.addUsed(chain.head(), 0);
        }
        if (driver.recycle() != CHAINS) {
            throw new IllegalStateException("expected " + CHAINS + " chains, queue " + queue);
        }
        return descriptorsSeen;
    }

    /** Frees guest memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}
