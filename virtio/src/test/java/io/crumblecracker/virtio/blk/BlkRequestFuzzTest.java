package io.crumblecracker.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.BlkRequests;
import io.crumblecracker.virtio.testing.Entropy;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import io.crumblecracker.virtio.testing.MemoryBlkBackend;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The block request parser and executor against hostile requests: headers of any type and sector, data
 * split into buffers of any length and direction, read-only disks. Every chain must be answered (status
 * IOERR, UNSUPP or OK, or used length 0 when there is no status byte), the backend must never be asked for
 * bytes outside the disk ({@link MemoryBlkBackend} fails the test if it is), and an accepted request must
 * satisfy every rule the parser promises.
 *
 * <p>{@code mvn test} replays the committed inputs (Jazzer regression mode); {@code JAZZER_FUZZ=1} fuzzes.
 */
class BlkRequestFuzzTest {

    private static final int SECTORS = 16;
    private static final long HEADER = 0x8000;
    private static final long DATA = 0x10000;
    private static final long RAM = 128 * 1024;
    private static final GuestMemory MEMORY = FakeDriver.newMemory(RAM);

    @FuzzTest
    void fuzzBlkRequests(final FuzzedDataProvider data) {
        exercise(Entropy.of(data));
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void shouldAnswerThousandsOfHostileRequests(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 1000; i++) {
            exercise(Entropy.of(random.split()));
        }
    }

    static void exercise(final Entropy entropy) {
        final GuestMemory memory = MEMORY;
        memory.fill(0, RAM, (byte) 0);
        final FakeDriver driver = new FakeDriver(memory, 8, 0x1000);
        final boolean readOnly = entropy.nextInt(4) == 0;
        final MemoryBlkBackend backend = new MemoryBlkBackend(SECTORS * 512 + entropy.nextInt(512), readOnly);
        final BlkDevice device = new BlkDevice(backend, "fuzz");
        final SplitQueue queue = activate(driver, device, memory);
        final int type = (int) entropy.pick(BlkLayout.T_IN, BlkLayout.T_OUT, BlkLayout.T_FLUSH, BlkLayout.T_GET_ID,
                entropy.nextLong());
        final long sector = entropy.pick(0, SECTORS - 1, SECTORS, SECTORS + 1, -1L, 1L << 55, entropy.nextLong());
        BlkRequests.header(memory, HEADER, type, sector);
        final Buffer[] buffers = buffers(entropy);
        final long statusAddress = lastWritableByte(buffers);
        memory.writeU8(statusAddress < 0 ? 0 : statusAddress, 0xFF);
        driver.addChain(buffers);

        final BlkRequest request = parseAlone(driver, queue, device, readOnly);
        device.processQueue(0);

        assertEquals(2, driver.usedIdx());
        if (statusAddress < 0) {
            assertFalse(request.hasStatusByte());
            assertEquals(0, driver.used(1).length());
        } else {
            assertEquals(request.status(), memory.readU8(statusAddress), request.toString());
        }
        final boolean transfer = request.type() == BlkLayout.T_IN || request.type() == BlkLayout.T_OUT;
        if (request.status() == BlkLayout.S_OK && transfer) {
            assertTrue(request.dataLength() % 512 == 0);
            assertTrue(Long.compareUnsigned(request.sector(), device.capacitySectors()) <= 0);
            assertTrue(request.dataLength() / 512 <= device.capacitySectors() - request.sector());
            assertFalse(readOnly && request.type() == BlkLayout.T_OUT);
        }
    }

    /** Parses the same chain with a fresh parser first, to check its verdict against what the device wrote. */
    private static BlkRequest parseAlone(final FakeDriver driver, final SplitQueue queue, final BlkDevice device,
            final boolean readOnly) {
        final SplitQueue shadow = new SplitQueue(8);
        driver.configure(shadow);
        shadow.setIndexes(queue.nextAvail(), queue.nextUsed());
        try {
            shadow.activate(driver.memory(), true, false);
            return new BlkRequest().parse(shadow.popChain(), device.capacitySectors(), readOnly);
        } catch (final QueueViolation e) {
            throw new AssertionError("the fixture builds valid chains", e);
        }
    }

    private static SplitQueue activate(final FakeDriver driver, final BlkDevice device, final GuestMemory memory) {
        try {
            final SplitQueue queue = driver.activatedQueue(BlkDevice.QUEUE_SIZE, true, false);
            device.activate(device.deviceFeatures(), memory, List.of(queue), new RecordingInterruptLine());
            // One well-formed read first, so the queue is not at its initial index.
            BlkRequests.header(memory, HEADER - 0x100, BlkLayout.T_IN, 0);
            driver.addChain(Buffer.readable(HEADER - 0x100, 16), Buffer.writable(DATA, 513));
            device.processQueue(0);
            return queue;
        } catch (final RingViolation e) {
            throw new AssertionError(e);
        }
    }

    private static Buffer[] buffers(final Entropy entropy) {
        final int readable = entropy.nextInt(4);
        final int writable = entropy.nextInt(4);
        final Buffer[] buffers = new Buffer[readable + writable];
        long data = DATA;
        for (int i = 0; i < buffers.length; i++) {
            final int length = i == 0 && readable > 0 && entropy.nextInt(2) == 0
                    ? 16 : (int) entropy.pick(0, 1, 15, 16, 511, 512, 513, 1024, 4096, entropy.nextInt(9000));
            buffers[i] = new Buffer(i == 0 && readable > 0 ? HEADER : data, length, i >= readable);
            data += length;
        }
        return buffers;
    }

    private static long lastWritableByte(final Buffer[] buffers) {
        for (int i = buffers.length - 1; i >= 0; i--) {
            if (buffers[i].writable() && buffers[i].length() > 0) {
                return buffers[i].address() + buffers[i].length() - 1;
            }
        }
        return -1;
    }
}
