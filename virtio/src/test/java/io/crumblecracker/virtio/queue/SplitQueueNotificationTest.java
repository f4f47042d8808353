package io.crumblecracker.virtio.queue;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.testing.FakeDriver;
import org.junit.jupiter.api.Test;

class SplitQueueNotificationTest {

    private static final long DATA = 0x10000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver driver = new FakeDriver(memory, 8, 0x1000);

    @Test
    void shouldPublishUsedEntriesAndIndex() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, false);
        final int head = driver.addChain(readable(DATA, 4));

        queue.addUsed(queue.popChain().head(), 42);

        assertEquals(1, driver.usedIdx());
        assertEquals(new FakeDriver.Used(head, 42), driver.used(0));
    }

    @Test
    void shouldWrapIndexesPastSixteenBits() throws QueueViolation {
        final SplitQueue queue = new SplitQueue(8);
        driver.configure(queue);
        queue.setIndexes(0xFFFF, 0xFFFF);
        queue.activate(memory, false, false);
        driver.setAvailIdx(0xFFFF);
        driver.addChain(readable(DATA, 4));
        driver.addChain(readable(DATA, 4));

        queue.addUsed(queue.popChain().head(), 1);
        queue.addUsed(queue.popChain().head(), 2);

        assertEquals(1, queue.nextAvail());
        assertEquals(1, driver.usedIdx());
        assertEquals(2, driver.used(0).length());
        assertEquals(1, driver.used(7).length());
    }

    @Test
    void shouldNotifyUnlessDriverSetNoInterrupt() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, false);
        driver.addChain(readable(DATA, 4));
        queue.addUsed(queue.popChain().head(), 0);
        assertTrue(queue.needsNotification());

        driver.setAvailFlags(RingLayout.AVAIL_F_NO_INTERRUPT);
        driver.addChain(readable(DATA, 4));
        queue.addUsed(queue.popChain().head(), 0);

        assertFalse(queue.needsNotification());
    }

    @Test
    void shouldNotNotifyWhenNothingWasUsed() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, true);

        assertFalse(queue.needsNotification());
    }

    @Test
    void shouldNotifyOnlyWhenUsedEventIsCrossed() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, true);
        driver.setUsedEvent(2);

        useOne(queue);
        assertFalse(queue.needsNotification(), "used idx 1 has not passed used_event 2");
        useOne(queue);
        assertFalse(queue.needsNotification(), "used idx 2 has not passed used_event 2");
        useOne(queue);
        assertTrue(queue.needsNotification(), "used idx 3 passed used_event 2");
        useOne(queue);
        assertFalse(queue.needsNotification(), "the event was already signalled");
    }

    @Test
    void shouldNotifyWhenBatchSpansUsedEvent() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, true);
        driver.setUsedEvent(1);

        useOne(queue);
        useOne(queue);
        useOne(queue);

        assertTrue(queue.needsNotification());
    }

    @Test
    void shouldUseWrapSafeEventComparison() throws QueueViolation {
        final SplitQueue queue = new SplitQueue(8);
        driver.configure(queue);
        queue.setIndexes(0xFFFE, 0xFFFE);
        queue.activate(memory, false, true);
        driver.setAvailIdx(0xFFFE);
        driver.setUsedEvent(0xFFFF);

        useOne(queue);
        assertFalse(queue.needsNotification(), "used idx 0xFFFF has not passed used_event 0xFFFF");
        useOne(queue);
        assertTrue(queue.needsNotification(), "used idx 0 passed used_event 0xFFFF across the wrap");
    }

    @Test
    void shouldIgnoreNoInterruptFlagUnderEventIdx() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, true);
        driver.setAvailFlags(RingLayout.AVAIL_F_NO_INTERRUPT);
        driver.setUsedEvent(0);

        useOne(queue);

        assertTrue(queue.needsNotification());
    }

    @Test
    void shouldToggleNoNotifyFlagWithoutEventIdx() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, false);

        queue.disableNotification();
        assertEquals(RingLayout.USED_F_NO_NOTIFY, driver.usedFlags());
        assertFalse(queue.enableNotification());
        assertEquals(0, driver.usedFlags());
    }

    @Test
    void shouldWriteAvailEventUnderEventIdx() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, true);
        driver.addChain(readable(DATA, 4));
        driver.addChain(readable(DATA, 4));
        queue.popChain();
        queue.popChain();

        queue.disableNotification();
        assertEquals(0, driver.usedFlags(), "EVENT_IDX queues never use NO_NOTIFY");
        assertFalse(queue.enableNotification());
        assertEquals(2, driver.availEvent());
    }

    @Test
    void shouldReportChainsThatArrivedWhileNotificationsWereOff() throws QueueViolation {
        final SplitQueue queue = driver.activatedQueue(8, false, true);
        queue.disableNotification();
        driver.addChain(readable(DATA, 4));

        assertTrue(queue.enableNotification());
    }

    private void useOne(final SplitQueue queue) throws QueueViolation {
        driver.addChain(readable(DATA, 4));
        queue.addUsed(queue.popChain().head(), 0);
    }
}
