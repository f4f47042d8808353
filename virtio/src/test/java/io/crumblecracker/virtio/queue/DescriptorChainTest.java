package io.crumblecracker.virtio.queue;

import static io.crumblecracker.virtio.queue.RingLayout.DESC_F_INDIRECT;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_F_NEXT;
import static io.crumblecracker.virtio.queue.RingLayout.DESC_F_WRITE;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.SegmentGuestMemory;
import io.crumblecracker.virtio.queue.QueueViolation.Reason;
import io.crumblecracker.virtio.testing.FakeDriver;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptorChainTest {

    private static final long RAM = 1 << 20;
    private static final int SIZE = 16;
    private static final long DATA = 0x10000;
    private static final long TABLE = 0x20000;

    private final GuestMemory memory = FakeDriver.newMemory(RAM);
    private final FakeDriver driver = new FakeDriver(memory, SIZE, 0x1000);
    private SplitQueue queue;

    @BeforeEach
    void activate() throws RingViolation {
        queue = driver.activatedQueue(256, true, false);
    }

    @Test
    void shouldLoadDirectChainWithReadableThenWritableBuffers() throws QueueViolation {
        final int head = driver.addChain(readable(DATA, 16), readable(DATA + 100, 8), writable(DATA + 200, 512));

        final DescriptorChain chain = queue.popChain();

        assertEquals(head, chain.head());
        assertEquals(3, chain.descriptorCount());
        assertEquals(2, chain.readableCount());
        assertEquals(24, chain.readableLength());
        assertEquals(512, chain.writableLength());
        assertEquals(DATA + 200, chain.address(2));
        assertTrue(chain.isWritable(2));
        assertNull(queue.popChain());
    }

    @Test
    void shouldFlattenIndirectTable() throws QueueViolation {
        driver.addIndirectChain(TABLE, readable(DATA, 16), writable(DATA + 16, 4096), writable(DATA + 8192, 1));

        final DescriptorChain chain = queue.popChain();

        assertEquals(3, chain.descriptorCount());
        assertEquals(16, chain.readableLength());
        assertEquals(4097, chain.writableLength());
    }

    @Test
    void shouldAcceptChainOfExactlyQueueSizeDescriptors() throws QueueViolation {
        final FakeDriver.Buffer[] buffers = new FakeDriver.Buffer[SIZE];
        for (int i = 0; i < SIZE; i++) {
            buffers[i] = readable(DATA + 64L * i, 64);
        }
        driver.addChain(buffers);

        assertEquals(SIZE, queue.popChain().descriptorCount());
    }

    @Test
    void shouldRejectHeadOutOfRangeAndStopTheQueue() throws QueueViolation {
        driver.publish(SIZE);

        assertRing(Reason.HEAD_OUT_OF_RANGE);
        assertTrue(queue.isBroken());
        driver.addChain(readable(DATA, 1));
        assertNull(queue.popChain());
    }

    @Test
    void shouldRejectNextIndexOutOfRange() {
        driver.writeDescriptor(0, DATA, 8, DESC_F_NEXT, 0xFFFF);
        driver.publish(0);

        assertChain(Reason.DESCRIPTOR_INDEX_OUT_OF_RANGE, 0);
    }

    @Test
    void shouldRejectLoopingChain() {
        driver.writeDescriptor(0, DATA, 8, DESC_F_NEXT, 1);
        driver.writeDescriptor(1, DATA, 8, DESC_F_NEXT, 0);
        driver.publish(0);

        assertChain(Reason.CHAIN_TOO_LONG, 0);
    }

    @Test
    void shouldRejectSelfLoop() {
        driver.writeDescriptor(5, DATA, 8, DESC_F_NEXT, 5);
        driver.publish(5);

        assertChain(Reason.CHAIN_TOO_LONG, 5);
    }

    @Test
    void shouldRejectTotalLengthAboveFourGiB(@TempDir final Path dir) throws IOException, RingViolation {
        try (Arena arena = Arena.ofConfined();
                FileChannel file = FileChannel.open(dir.resolve("ram"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            // Sparse: only the pages the rings touch are ever backed.
            final GuestMemory big = SegmentGuestMemory.of(file.map(FileChannel.MapMode.READ_WRITE, 0, 1L << 32, arena));
            final FakeDriver bigDriver = new FakeDriver(big, SIZE, 0x1000);
            final SplitQueue bigQueue = bigDriver.activatedQueue(256, true, false);
            bigDriver.addChain(readable(0x10000, 0x8000_0000), writable(0x10000, 0x8000_0000));

            final ChainViolation violation = assertThrows(ChainViolation.class, bigQueue::popChain);

            assertEquals(Reason.CHAIN_LENGTH_OVERFLOW, violation.reason());
        }
    }

    @Test
    void shouldRejectBufferOutsideMemory() {
        driver.addChain(readable(RAM - 4, 8));

        assertChain(Reason.BUFFER_OUTSIDE_MEMORY, 0);
    }

    @Test
    void shouldRejectBufferWhoseEndWrapsTheAddressSpace() {
        driver.addChain(readable(0xFFFF_FFFF_FFFF_FFF0L, 0x20));

        assertChain(Reason.BUFFER_OUTSIDE_MEMORY, 0);
    }

    @Test
    void shouldRejectMaximalLengthBuffer() {
        driver.addChain(writable(0, -1));

        assertChain(Reason.BUFFER_OUTSIDE_MEMORY, 0);
    }

    @Test
    void shouldAcceptZeroLengthBufferAnywhere() throws QueueViolation {
        driver.addChain(readable(0xFFFF_FFFF_0000_0000L, 0), writable(DATA, 4));

        final DescriptorChain chain = queue.popChain();

        assertEquals(0, chain.readableLength());
        assertEquals(4, chain.writableLength());
    }

    @Test
    void shouldRejectReadableAfterWritable() {
        driver.addChain(writable(DATA, 8), readable(DATA + 8, 8));

        assertChain(Reason.READABLE_AFTER_WRITABLE, 0);
    }

    @Test
    void shouldRejectReadableAfterWritableInsideIndirectTable() {
        driver.addIndirectChain(TABLE, readable(DATA, 8), writable(DATA, 8), readable(DATA, 8));

        assertChain(Reason.READABLE_AFTER_WRITABLE, 0);
    }

    @Test
    void shouldRejectIndirectWhenNotNegotiated() throws RingViolation {
        queue.reset();
        driver.configure(queue);
        queue.activate(memory, false, false);
        driver.addIndirectChain(TABLE, readable(DATA, 8));

        assertChain(Reason.INDIRECT_NOT_NEGOTIATED, 0);
    }

    @Test
    void shouldRejectNestedIndirect() {
        driver.writeDescriptor(TABLE, 0, TABLE + 0x100, 16, DESC_F_INDIRECT, 0);
        driver.writeDescriptor(0, TABLE, 16, DESC_F_INDIRECT, 0);
        driver.publish(0);

        assertChain(Reason.NESTED_INDIRECT, 0);
    }

    @Test
    void shouldRejectIndirectWithNext() {
        driver.writeDescriptor(TABLE, 0, DATA, 8, 0, 0);
        driver.writeDescriptor(0, TABLE, 16, DESC_F_INDIRECT | DESC_F_NEXT, 1);
        driver.publish(0);

        assertChain(Reason.INDIRECT_WITH_NEXT, 0);
    }

    @Test
    void shouldRejectIndirectLengthNotMultipleOfSixteen() {
        driver.writeDescriptor(0, TABLE, 24, DESC_F_INDIRECT, 0);
        driver.publish(0);

        assertChain(Reason.BAD_INDIRECT_LENGTH, 0);
    }

    @Test
    void shouldRejectEmptyIndirectTable() {
        driver.writeDescriptor(0, TABLE, 0, DESC_F_INDIRECT, 0);
        driver.publish(0);

        assertChain(Reason.BAD_INDIRECT_LENGTH, 0);
    }

    @Test
    void shouldRejectIndirectTableLongerThanQueue() {
        driver.writeDescriptor(0, TABLE, 16 * (SIZE + 1), DESC_F_INDIRECT, 0);
        driver.publish(0);

        assertChain(Reason.BAD_INDIRECT_LENGTH, 0);
    }

    @Test
    void shouldRejectIndirectTableOutsideMemory() {
        driver.writeDescriptor(0, RAM - 16, 32, DESC_F_INDIRECT, 0);
        driver.publish(0);

        assertChain(Reason.BUFFER_OUTSIDE_MEMORY, 0);
    }

    @Test
    void shouldRejectLoopInsideIndirectTable() {
        driver.writeDescriptor(TABLE, 0, DATA, 8, DESC_F_NEXT, 1);
        driver.writeDescriptor(TABLE, 1, DATA, 8, DESC_F_NEXT, 0);
        driver.writeDescriptor(0, TABLE, 32, DESC_F_INDIRECT, 0);
        driver.publish(0);

        assertChain(Reason.CHAIN_TOO_LONG, 0);
    }

    @Test
    void shouldRejectIndirectNextBeyondTable() {
        driver.writeDescriptor(TABLE, 0, DATA, 8, DESC_F_NEXT, 2);
        driver.writeDescriptor(0, TABLE, 32, DESC_F_INDIRECT, 0);
        driver.publish(0);

        assertChain(Reason.DESCRIPTOR_INDEX_OUT_OF_RANGE, 0);
    }

    @Test
    void shouldIgnoreWriteFlagOnIndirectDescriptor() throws QueueViolation {
        driver.writeDescriptor(TABLE, 0, DATA, 8, 0, 0);
        driver.writeDescriptor(0, TABLE, 16, DESC_F_INDIRECT | DESC_F_WRITE, 0);
        driver.publish(0);

        assertEquals(8, queue.popChain().readableLength());
    }

    @Test
    void shouldStopQueueWhenAvailIndexRunsAhead() throws QueueViolation {
        driver.setAvailIdx(SIZE + 1);

        assertRing(Reason.AVAIL_INDEX_AHEAD);
        assertTrue(queue.isBroken());
        assertNull(queue.popChain());
        assertFalse(queue.enableNotification());
    }

    @Test
    void shouldAcceptAvailIndexExactlyQueueSizeAhead() throws QueueViolation {
        for (int i = 0; i < SIZE; i++) {
            driver.writeDescriptor(i, DATA, 8, 0, 0);
        }
        driver.setAvailIdx(SIZE);

        for (int i = 0; i < SIZE; i++) {
            assertNotNull(queue.popChain());
        }
        assertNull(queue.popChain());
    }

    @Test
    void shouldKeepQueueUsableAfterChainViolation() throws QueueViolation {
        driver.addChain(readable(RAM, 8));
        final ChainViolation violation = assertThrows(ChainViolation.class, queue::popChain);
        queue.addUsed(violation.head(), 0);
        driver.addChain(readable(DATA, 8));

        assertEquals(8, queue.popChain().readableLength());
        assertEquals(new FakeDriver.Used(violation.head(), 0), driver.used(0));
    }

    @Test
    void shouldSnapshotDescriptorsSoLaterGuestWritesDoNotChangeTheChain() throws QueueViolation {
        final int head = driver.addChain(readable(DATA, 8));
        final DescriptorChain chain = queue.popChain();

        driver.writeDescriptor(head, RAM * 4, 1 << 30, 0, 0);

        assertEquals(DATA, chain.address(0));
        assertEquals(8, chain.length(0));
    }

    @Test
    void shouldRefuseIndexesOutsideTheChain() throws QueueViolation {
        driver.addChain(readable(DATA, 8));
        final DescriptorChain chain = queue.popChain();

        assertThrows(IndexOutOfBoundsException.class, () -> chain.address(1));
    }

    private void assertChain(final Reason reason, final int head) {
        final ChainViolation violation = assertThrows(ChainViolation.class, queue::popChain);
        assertEquals(reason, violation.reason(), violation.getMessage());
        assertEquals(head, violation.head());
        assertTrue(violation.getMessage().contains("head=" + head), violation.getMessage());
        assertFalse(queue.isBroken());
    }

    private void assertRing(final Reason reason) {
        final RingViolation violation = assertThrows(RingViolation.class, queue::popChain);
        assertEquals(reason, violation.reason(), violation.getMessage());
    }
}
