package io.crumblecracker.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.testing.Entropy;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.HostileRing;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Descriptor-chain parsing against hostile descriptor tables and available rings: every outcome must be a
 * validated chain or a {@link QueueViolation}, never another exception, never an access outside guest RAM
 * (which {@link GuestMemory} would turn into an exception), and never an endless loop.
 *
 * <p>{@code mvn test} replays the committed inputs (Jazzer regression mode); {@code JAZZER_FUZZ=1} fuzzes.
 * The property test runs the same generator from seeded random choices.
 */
class DescriptorChainFuzzTest {

    private static final int CHUNK = 4096;
    private static final GuestMemory MEMORY = FakeDriver.newMemory(HostileRing.RAM);

    @FuzzTest
    void fuzzDescriptorChains(final FuzzedDataProvider data) {
        exercise(Entropy.of(data));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldSurviveThousandsOfHostileRings(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 1000; i++) {
            exercise(Entropy.of(random.split()));
        }
    }

    static void exercise(final Entropy entropy) {
        final FakeDriver driver = HostileRing.newDriver(entropy, MEMORY);
        final HostileRing ring = new HostileRing(entropy, driver);
        final int start = entropy.nextInt(8) == 0 ? entropy.nextInt(0x10000) : 0;
        driver.setAvailIdx(start);
        ring.writeDescriptors();
        ring.publish();
        final SplitQueue queue = new SplitQueue(64);
        driver.configure(queue);
        queue.setIndexes(start, start);
        try {
            queue.activate(driver.memory(), entropy.nextInt(4) != 0, entropy.nextInt(2) == 0);
        } catch (final RingViolation e) {
            throw new AssertionError("the fixture's rings are valid", e);
        }
        drain(queue);
    }

    private static void drain(final SplitQueue queue) {
        final ChainReader reader = new ChainReader();
        final ChainWriter writer = new ChainWriter();
        final byte[] scratch = new byte[CHUNK];
        int completed = 0;
        for (int pops = 0; pops <= 2 * queue.size() + 2; pops++) {
            try {
                final DescriptorChain chain = queue.popChain();
                if (chain == null) {
                    break;
                }
                checkInvariants(chain);
                reader.wrap(chain).read(scratch, 0, (int) Math.min(CHUNK, reader.remaining()));
                reader.skip(reader.remaining());
                writer.wrap(chain).write(scratch, 0, (int) Math.min(CHUNK, writer.remaining()));
                queue.addUsed(chain.head(), (int) writer.position());
                completed++;
            } catch (final ChainViolation violation) {
                assertTrue(violation.head() >= 0 && violation.head() < queue.size(), violation.getMessage());
                queue.addUsed(violation.head(), 0);
                completed++;
            } catch (final RingViolation violation) {
                assertTrue(queue.isBroken());
                break;
            }
        }
        assertTrue(completed <= queue.size(), "completed=" + completed + " size=" + queue.size());
        queue.needsNotification();
        queue.enableNotification();
    }

    private static void checkInvariants(final DescriptorChain chain) {
        final GuestMemory memory = chain.memory();
        long readable = 0;
        long writable = 0;
        for (int i = 0; i < chain.descriptorCount(); i++) {
            final long length = chain.length(i);
            assertTrue(length == 0 || memory.contains(chain.address(i), length), chain.toString());
            assertEquals(i >= chain.readableCount(), chain.isWritable(i), chain.toString());
            if (chain.isWritable(i)) {
                writable += length;
            } else {
                readable += length;
            }
        }
        assertEquals(readable, chain.readableLength());
        assertEquals(writable, chain.writableLength());
        assertTrue(readable + writable <= 0xFFFF_FFFFL);
        assertTrue(chain.descriptorCount() <= 2 * 64);
    }
}
