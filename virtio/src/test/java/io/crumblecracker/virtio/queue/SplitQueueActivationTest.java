package io.crumblecracker.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.QueueViolation.Reason;
import io.crumblecracker.virtio.testing.FakeDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SplitQueueActivationTest {

    private static final long RAM = 1 << 20;

    private final GuestMemory memory = FakeDriver.newMemory(RAM);

    @Test
    void shouldActivateWellFormedQueue() throws RingViolation {
        final SplitQueue queue = new FakeDriver(memory, 16, 0x1000).activatedQueue(256, false, false);

        assertTrue(queue.isActive());
        assertFalse(queue.isBroken());
        assertEquals(16, queue.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 3, 24, 512, 65536, Integer.MIN_VALUE})
    void shouldRejectBadQueueSizes(final int size) {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setSize(size);

        assertViolation(Reason.BAD_QUEUE_SIZE, queue);
    }

    @Test
    void shouldRejectMisalignedDescriptorTable() {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setDescriptorTable(0x1008);

        assertViolation(Reason.MISALIGNED_RING, queue);
    }

    @Test
    void shouldRejectMisalignedAvailRing() {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setAvailRing(0x3001);

        assertViolation(Reason.MISALIGNED_RING, queue);
    }

    @Test
    void shouldRejectMisalignedUsedRing() {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setUsedRing(0x4002);

        assertViolation(Reason.MISALIGNED_RING, queue);
    }

    @ParameterizedTest
    @ValueSource(longs = {RAM, RAM - 16, 0xFFFF_FFFF_FFFF_FFF0L, 1L << 40})
    void shouldRejectDescriptorTableOutsideMemory(final long address) {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setDescriptorTable(address);

        assertViolation(Reason.RING_OUTSIDE_MEMORY, queue);
    }

    @Test
    void shouldRejectAvailRingStraddlingEndOfMemory() {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setAvailRing(RAM - 8);

        assertViolation(Reason.RING_OUTSIDE_MEMORY, queue);
    }

    @Test
    void shouldRejectUsedRingWhoseAvailEventLiesOutsideMemory() {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setUsedRing(RAM - RingLayout.usedRingSize(16) + 2);

        assertViolation(Reason.RING_OUTSIDE_MEMORY, queue);
    }

    @Test
    void shouldAcceptRingsEndingExactlyAtEndOfMemory() throws RingViolation {
        final SplitQueue queue = configured(new FakeDriver(memory, 16, 0x1000), 256);
        queue.config().setDescriptorTable(RAM - RingLayout.descriptorTableSize(16));

        queue.activate(memory, false, false);

        assertTrue(queue.isActive());
    }

    @Test
    void shouldRefuseMaxSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new SplitQueue(0));
        assertThrows(IllegalArgumentException.class, () -> new SplitQueue(100));
        assertThrows(IllegalArgumentException.class, () -> new SplitQueue(65536));
    }

    @Test
    void shouldReturnToInitialStateOnReset() throws RingViolation {
        final SplitQueue queue = new FakeDriver(memory, 16, 0x1000).activatedQueue(256, false, false);

        queue.reset();

        assertFalse(queue.isActive());
        assertFalse(queue.isReady());
        assertEquals(256, queue.size());
        assertEquals(0, queue.config().descriptorTable());
    }

    @Test
    void shouldDoNothingWhenInactive() throws QueueViolation {
        final SplitQueue queue = new SplitQueue(16);

        assertEquals(null, queue.popChain());
        assertFalse(queue.enableNotification());
        assertFalse(queue.needsNotification());
        assertThrows(IllegalStateException.class, () -> queue.addUsed(0, 0));
    }

    private static SplitQueue configured(final FakeDriver driver, final int maxSize) {
        final SplitQueue queue = new SplitQueue(maxSize);
        driver.configure(queue);
        return queue;
    }

    private void assertViolation(final Reason reason, final SplitQueue queue) {
        final RingViolation violation = assertThrows(RingViolation.class, () -> queue.activate(memory, true, true));
        assertEquals(reason, violation.reason());
        assertTrue(violation.getMessage().startsWith("reason=" + reason), violation.getMessage());
        assertFalse(queue.isActive());
    }
}
