package io.crumblecracker.virtio.blk;

import static io.crumblecracker.virtio.blk.BlkLayout.S_IOERR;
import static io.crumblecracker.virtio.blk.BlkLayout.S_OK;
import static io.crumblecracker.virtio.blk.BlkLayout.S_UNSUPP;
import static io.crumblecracker.virtio.blk.BlkLayout.T_FLUSH;
import static io.crumblecracker.virtio.blk.BlkLayout.T_GET_ID;
import static io.crumblecracker.virtio.blk.BlkLayout.T_IN;
import static io.crumblecracker.virtio.blk.BlkLayout.T_OUT;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.queue.DescriptorChain;
import io.crumblecracker.virtio.queue.QueueViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.BlkRequests;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.FakeDriver.Buffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlkRequestTest {

    private static final long CAPACITY = 64;
    private static final long HEADER = 0x10000;
    private static final long DATA = 0x20000;
    private static final long STATUS = 0x30000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver driver = new FakeDriver(memory, 16, 0x1000);
    private final BlkRequest request = new BlkRequest();
    private SplitQueue queue;

    @BeforeEach
    void activate() throws QueueViolation {
        queue = driver.activatedQueue(16, true, false);
    }

    @Test
    void shouldParseRead() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_IN, 3);

        parse(false, readable(HEADER, 16), writable(DATA, 1024), writable(STATUS, 1));

        assertEquals(S_OK, request.status());
        assertEquals(T_IN, request.type());
        assertEquals(3, request.sector());
        assertEquals(1024, request.dataLength());
    }

    @Test
    void shouldParseHeaderSplitAcrossDescriptors() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_OUT, 63);
        memory.writeU8(HEADER + 9, 0);
        memory.write(HEADER + 0x100, memory.slice(HEADER + 9, 7));

        parse(false, readable(HEADER, 9), readable(HEADER + 0x100, 7), readable(DATA, 512), writable(STATUS, 1));

        assertEquals(S_OK, request.status());
        assertEquals(T_OUT, request.type());
        assertEquals(63, request.sector());
        assertEquals(512, request.dataLength());
    }

    @ParameterizedTest(name = "sector={0} bytes={1} -> status {2}")
    @CsvSource({
        "0, 32768, 0",
        "63, 512, 0",
        "64, 0, 0",
        "64, 512, 1",
        "63, 1024, 1",
        "65, 0, 1",
        "-1, 512, 1",
        "-1, 0, 1",
        "36028797018963968, 512, 1",
        "0, 100, 1",
        "0, 513, 1",
        "0, 33280, 1"
    })
    void shouldValidateReadRange(final long sector, final int bytes, final int status) throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_IN, sector);

        parse(false, readable(HEADER, 16), writable(DATA, bytes), writable(STATUS, 1));

        assertEquals(status, request.status(), request.toString());
    }

    @Test
    void shouldRefuseWriteToReadOnlyDisk() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_OUT, 0);

        parse(true, readable(HEADER, 16), readable(DATA, 512), writable(STATUS, 1));

        assertEquals(S_IOERR, request.status());
    }

    @Test
    void shouldRefuseHeaderShorterThanSixteenBytes() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_IN, 0);

        parse(false, readable(HEADER, 15), writable(DATA, 513));

        assertTrue(request.hasStatusByte());
        assertEquals(S_IOERR, request.status());
        assertEquals(-1, request.type());
    }

    @Test
    void shouldReportMissingStatusByte() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_OUT, 0);

        parse(false, readable(HEADER, 16), readable(DATA, 512));

        assertFalse(request.hasStatusByte());
    }

    @Test
    void shouldRefuseReadWithDataInReadablePart() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_IN, 0);

        parse(false, readable(HEADER, 16), readable(DATA, 512), writable(STATUS, 1));

        assertEquals(S_IOERR, request.status());
    }

    @Test
    void shouldRefuseWriteWithDataInWritablePart() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_OUT, 0);

        parse(false, readable(HEADER, 16), writable(DATA, 512), writable(STATUS, 1));

        assertEquals(S_IOERR, request.status());
    }

    @ParameterizedTest
    @CsvSource({"2", "5", "11", "13", "-1", "2147483647"})
    void shouldAnswerUnknownTypesUnsupported(final int type) throws QueueViolation {
        BlkRequests.header(memory, HEADER, type, 0);

        parse(false, readable(HEADER, 16), writable(STATUS, 1));

        assertEquals(S_UNSUPP, request.status());
    }

    @Test
    void shouldAcceptFlushAndGetId() throws QueueViolation {
        BlkRequests.header(memory, HEADER, T_FLUSH, 12345);
        parse(false, readable(HEADER, 16), writable(STATUS, 1));
        assertEquals(S_OK, request.status());

        BlkRequests.header(memory, HEADER, T_GET_ID, 0);
        parse(false, readable(HEADER, 16), writable(DATA, 20), writable(STATUS, 1));
        assertEquals(S_OK, request.status());
        assertEquals(20, request.dataLength());
    }

    private void parse(final boolean readOnly, final Buffer... buffers) throws QueueViolation {
        driver.addChain(buffers);
        final DescriptorChain chain = queue.popChain();
        request.parse(chain, CAPACITY, readOnly);
        queue.addUsed(chain.head(), 0);
    }
}
