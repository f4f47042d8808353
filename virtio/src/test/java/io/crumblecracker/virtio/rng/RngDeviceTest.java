package io.crumblecracker.virtio.rng;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.queue.RingLayout;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RngDeviceTest {

    private static final long DATA = 0x10000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver driver = new FakeDriver(memory, 16, 0x1000);
    private final RecordingInterruptLine interrupt = new RecordingInterruptLine();
    private final List<Integer> requested = new ArrayList<>();
    private final RngDevice device = new RngDevice((buffer, offset, length) -> {
        requested.add(length);
        for (int i = 0; i < length; i++) {
            buffer[offset + i] = (byte) (i + 1);
        }
    });
    private SplitQueue queue;

    @BeforeEach
    void activate() throws RingViolation {
        queue = driver.activatedQueue(RngDevice.QUEUE_SIZE, true, false);
        device.activate(FeatureBits.COMMON, memory, List.of(queue), interrupt);
    }

    @Test
    void shouldDescribeItself() {
        assertEquals(DeviceType.RNG, device.type());
        assertEquals(4, device.type().id());
        assertTrue(FeatureBits.has(device.deviceFeatures(), FeatureBits.VERSION_1));
        assertEquals(0, device.configSize());
        assertEquals(0, device.readConfig(0, 4));
    }

    @Test
    void shouldFillWritableBuffersAcrossDescriptors() {
        final int head = driver.addChain(writable(DATA, 3), writable(DATA + 0x100, 5));

        device.processQueue(0);

        assertEquals(new FakeDriver.Used(head, 8), driver.used(0));
        assertEquals(3, memory.readU8(DATA + 2));
        assertEquals(4, memory.readU8(DATA + 0x100));
        assertEquals(8, memory.readU8(DATA + 0x104));
        assertEquals(List.of(0), interrupt.usedQueues());
        assertEquals(8, device.metrics().bytes());
    }

    @Test
    void shouldCapEachRequestAtSixtyFourKiB() {
        driver.addChain(writable(DATA, 100_000), writable(DATA, 100_000));

        device.processQueue(0);

        assertEquals(RngDevice.MAX_ENTROPY_BYTES, driver.used(0).length());
        assertEquals(List.of(RngDevice.MAX_ENTROPY_BYTES), requested);
    }

    @Test
    void shouldCompleteChainWithReadableBufferEmpty() {
        driver.addChain(readable(DATA, 4), writable(DATA + 4, 4));

        device.processQueue(0);

        assertEquals(0, driver.used(0).length());
        assertEquals(List.of(), requested);
        assertEquals(1, device.metrics().guestErrors());
    }

    @Test
    void shouldCompleteMalformedChainAndKeepServing() {
        driver.writeDescriptor(0, DATA, 4, RingLayout.DESC_F_NEXT, 0);
        driver.publish(0);
        driver.writeDescriptor(1, DATA, 4, RingLayout.DESC_F_WRITE, 0);
        driver.publish(1);

        device.processQueue(0);

        assertEquals(2, driver.usedIdx());
        assertEquals(new FakeDriver.Used(0, 0), driver.used(0));
        assertEquals(new FakeDriver.Used(1, 4), driver.used(1));
        assertEquals(1, device.metrics().guestErrors());
    }

    @Test
    void shouldAskForResetWhenAvailIndexRunsAhead() {
        driver.addChain(writable(DATA, 4));
        driver.setAvailIdx(100);

        device.processQueue(0);

        assertTrue(interrupt.needsReset());
        assertTrue(queue.isBroken());
        assertEquals(0, driver.usedIdx());
    }

    @Test
    void shouldServeManyChainsInOneDrainWithOneInterrupt() {
        for (int i = 0; i < 40; i++) {
            driver.addChain(writable(DATA + 16L * i, 16));
            if (i % 10 == 9) {
                device.processQueue(0);
            }
        }

        assertEquals(40, driver.usedIdx());
        assertEquals(4, interrupt.usedQueues().size());
        assertEquals(40, device.metrics().requests());
    }

    @Test
    void shouldIgnoreUnknownQueuesAndInactiveState() {
        driver.addChain(writable(DATA, 4));
        device.processQueue(1);
        device.processQueue(-1);
        device.reset();
        device.processQueue(0);

        assertEquals(0, driver.usedIdx());
        assertEquals(List.of(), interrupt.usedQueues());
    }
}
