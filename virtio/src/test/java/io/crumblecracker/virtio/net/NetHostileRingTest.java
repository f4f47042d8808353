package io.crumblecracker.virtio.net;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.testing.Entropy;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.HostileQueues;
import io.crumblecracker.virtio.testing.HostileRing;
import io.crumblecracker.virtio.testing.LoopbackNetBackend;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both network queues against hostile rings ({@link HostileQueues}), with a loopback backend so transmitted
 * frames come straight back. {@code JAZZER_FUZZ=1} fuzzes.
 */
class NetHostileRingTest {

    private static final GuestMemory MEMORY = FakeDriver.newMemory(HostileRing.RAM);
    private static final byte[] MAC = {2, 0, 0, 0, 0, 1};

    @FuzzTest
    void fuzzNetQueues(final FuzzedDataProvider data) {
        exercise(Entropy.of(data));
    }

    @ParameterizedTest
    @ValueSource(longs = {51, 52})
    void shouldSurviveHostileRingsOnBothQueues(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            exercise(Entropy.of(random.split()));
        }
    }

    private static void exercise(final Entropy entropy) {
        final LoopbackNetBackend backend = new LoopbackNetBackend();
        final NetDevice device = new NetDevice(backend, MAC, 1500, 16 * 1024);
        backend.connect(device);
        final int queue = entropy.nextInt(2);
        final int frames = entropy.nextInt(6);
        HostileQueues.attack(device, queue, entropy, MEMORY, () -> {
            for (int i = 0; i < frames; i++) {
                device.receive(ByteBuffer.allocate(14 + entropy.nextInt(1505)));
            }
        });
    }
}
