package io.crumblecracker.virtio.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a device's queue against a {@link HostileRing}: the device is activated with that queue (the
 * others stay inactive), the ring is filled with hostile descriptors and heads, and the queue is processed.
 * Whatever the device does, it must not throw, and must ask for a reset exactly when the queue broke. (How
 * many chains it completes is not checked: hostile buffers may overlap the rings, so the device's own writes
 * can republish them.)
 */
public final class HostileQueues {

    private HostileQueues() {
    }

    /**
     * Attacks queue {@code index} of {@code device}.
     *
     * @param memory  {@link HostileRing#RAM} bytes, reused across runs
     * @param prepare runs after activation and before the ring is processed (to give an rx queue something
     *                to deliver)
     */
    public static void attack(final VirtioDevice device, final int index, final Entropy entropy,
            final GuestMemory memory, final Runnable prepare) {
        final FakeDriver driver = HostileRing.newDriver(entropy, memory);
        final HostileRing ring = new HostileRing(entropy, driver);
        final RecordingInterruptLine interrupt = new RecordingInterruptLine();
        final List<SplitQueue> queues = new ArrayList<>();
        for (int i = 0; i < device.queueCount(); i++) {
            queues.add(new SplitQueue(device.queueMaxSize(i)));
        }
        final SplitQueue target = queues.get(index);
        try {
            driver.configure(target);
            target.activate(memory, entropy.nextInt(2) == 0, entropy.nextInt(2) == 0);
        } catch (final RingViolation e) {
            throw new AssertionError("the fixture's rings are valid", e);
        }
        device.activate(device.deviceFeatures(), memory, queues, interrupt);
        ring.writeDescriptors();
        ring.publish();
        prepare.run();

        device.processQueue(index);

        assertEquals(target.isBroken(), interrupt.needsReset());
        device.reset();
    }
}
