package io.crumblecracker.virtio.console;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.testing.Entropy;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.HostileQueues;
import io.crumblecracker.virtio.testing.HostileRing;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both console queues against hostile rings ({@link HostileQueues}): descriptors at and past the edges of
 * memory, loops, bad indirect tables, heads out of range. {@code JAZZER_FUZZ=1} fuzzes.
 */
class ConsoleHostileRingTest {

    private static final GuestMemory MEMORY = FakeDriver.newMemory(HostileRing.RAM);

    @FuzzTest
    void fuzzConsoleQueues(final FuzzedDataProvider data) {
        exercise(Entropy.of(data));
    }

    @ParameterizedTest
    @ValueSource(longs = {41, 42})
    void shouldSurviveHostileRingsOnBothQueues(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            exercise(Entropy.of(random.split()));
        }
    }

    private static void exercise(final Entropy entropy) {
        final ConsoleDevice device = new ConsoleDevice((buffer, offset, length) -> { }, 4096, 80, 25);
        final int queue = entropy.nextInt(2);
        HostileQueues.attack(device, queue, entropy, MEMORY, () -> device.input(new byte[3000], 0, 3000));
    }
}
