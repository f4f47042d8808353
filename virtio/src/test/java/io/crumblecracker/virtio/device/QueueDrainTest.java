package io.crumblecracker.virtio.device;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueDrainTest {

    private static final long DATA = 0x10000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver driver = new FakeDriver(memory, 8, 0x1000);
    private final RecordingInterruptLine interrupt = new RecordingInterruptLine();
    private final List<QueueViolation> violations = new ArrayList<>();

    @Test
    void shouldDrainChainsThatArriveWhileDraining() throws RingViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, true);
        driver.addChain(writable(DATA, 4));
        final int[] calls = {0};

        final boolean healthy = QueueDrain.drain(3, queue, chain -> {
            if (calls[0]++ == 0) {
                driver.addChain(writable(DATA, 8));
            }
            return (int) chain.writableLength();
        }, interrupt);

        assertTrue(healthy);
        assertEquals(2, driver.usedIdx());
        assertEquals(8, driver.used(1).length());
        assertEquals(2, driver.availEvent());
        assertEquals(List.of(3), interrupt.usedQueues());
    }

    @Test
    void shouldNotInterruptWhenNothingWasUsed() throws RingViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, false);

        QueueDrain.drain(0, queue, DescriptorChain::descriptorCount, interrupt);

        assertEquals(List.of(), interrupt.usedQueues());
    }

    @Test
    void shouldCompleteBadChainsAndSignalResetOnBrokenRing() throws RingViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, false);
        driver.addChain(writable(1 << 20, 4));
        driver.addChain(writable(DATA, 4));
        driver.publish(9);
        final QueueDrain.ChainHandler handler = new QueueDrain.ChainHandler() {
            @Override
            public int handle(final DescriptorChain chain) {
                return 4;
            }

            @Override
            public void onViolation(final QueueViolation violation) {
                violations.add(violation);
            }
        };

        assertFalse(QueueDrain.drain(0, queue, handler, interrupt));

        assertEquals(2, driver.usedIdx());
        assertEquals(new FakeDriver.Used(0, 0), driver.used(0));
        assertEquals(new FakeDriver.Used(1, 4), driver.used(1));
        assertEquals(List.of(QueueViolation.Reason.BUFFER_OUTSIDE_MEMORY, QueueViolation.Reason.HEAD_OUT_OF_RANGE),
                violations.stream().map(QueueViolation::reason).toList());
        assertEquals(List.of(0), interrupt.usedQueues());
        assertTrue(interrupt.needsReset());
        assertFalse(QueueDrain.drain(0, queue, handler, interrupt), "a broken queue stays stopped");
    }

    @Test
    void shouldRenderStatusNames() {
        assertEquals("[ACKNOWLEDGE|DRIVER|DEVICE_NEEDS_RESET]", DeviceStatus.toString(
                DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER | DeviceStatus.DEVICE_NEEDS_RESET));
        assertEquals(1L << 40, FeatureBits.bit(40));
    }
}
