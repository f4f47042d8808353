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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.testing.BlkRequests;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlkDeviceTest {

    private static final int SECTORS = 32;
    private static final long HEADER = 0x10000;
    private static final long DATA = 0x20000;
    private static final long STATUS = 0x40000;

    @TempDir
    private Path dir;
    private Path image;
    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver driver = new FakeDriver(memory, 16, 0x1000);
    private final RecordingInterruptLine interrupt = new RecordingInterruptLine();
    private FileBlkBackend backend;
    private BlkDevice device;

    @BeforeEach
    void createImage() throws IOException {
        final byte[] bytes = new byte[SECTORS * 512 + 100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i / 512 + i);
        }
        image = Files.write(dir.resolve("disk.img"), bytes);
    }

    @AfterEach
    void close() throws IOException {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void shouldExposeCapacityInWholeSectorsAndFeatures() throws Exception {
        open(false);

        assertEquals(DeviceType.BLOCK, device.type());
        assertEquals(SECTORS, device.readConfig(BlkLayout.CONFIG_CAPACITY, 8));
        assertEquals(SECTORS, device.readConfig(BlkLayout.CONFIG_CAPACITY, 4));
        assertEquals(512, device.readConfig(BlkLayout.CONFIG_BLK_SIZE, 4));
        assertEquals(BlkDevice.QUEUE_SIZE - 2, device.readConfig(BlkLayout.CONFIG_SEG_MAX, 4));
        assertEquals(0, device.readConfig(BlkLayout.CONFIG_SIZE - 2, 4));
        assertEquals(0, device.readConfig(-1, 1));
        assertEquals(0, device.readConfig(0, 3));
        final long features = device.deviceFeatures();
        assertTrue(FeatureBits.has(features, FeatureBits.VERSION_1 | BlkLayout.F_FLUSH | BlkLayout.F_BLK_SIZE));
        assertEquals(0, features & BlkLayout.F_RO);
    }

    @Test
    void shouldReadSectorsAcrossDescriptors() throws Exception {
        open(false);
        BlkRequests.header(memory, HEADER, T_IN, 2);
        memory.writeU8(STATUS, 0xFF);

        final int head = driver.addChain(readable(HEADER, 16), writable(DATA, 700), writable(DATA + 0x1000, 324),
                writable(STATUS, 1));
        device.processQueue(0);

        assertEquals(new FakeDriver.Used(head, 1025), driver.used(0));
        assertEquals(S_OK, memory.readU8(STATUS));
        final byte[] expected = Arrays.copyOfRange(Files.readAllBytes(image), 1024, 2048);
        final byte[] actual = new byte[1024];
        memory.read(DATA, actual, 0, 700);
        memory.read(DATA + 0x1000, actual, 700, 324);
        assertArrayEquals(expected, actual);
        assertEquals(List.of(0), interrupt.usedQueues());
    }

    @Test
    void shouldWriteSectorsThenFlush() throws Exception {
        open(false);
        BlkRequests.header(memory, HEADER, T_OUT, SECTORS - 1);
        memory.fill(DATA, 512, (byte) 0x77);

        driver.addChain(readable(HEADER, 16), readable(DATA, 512), writable(STATUS, 1));
        BlkRequests.header(memory, HEADER + 0x100, T_FLUSH, 0);
        driver.addChain(readable(HEADER + 0x100, 16), writable(STATUS + 1, 1));
        device.processQueue(0);

        assertEquals(S_OK, memory.readU8(STATUS));
        assertEquals(S_OK, memory.readU8(STATUS + 1));
        assertEquals(1, driver.used(0).length());
        final byte[] disk = Files.readAllBytes(image);
        assertEquals(0x77, disk[(SECTORS - 1) * 512] & 0xFF);
        assertEquals(0x77, disk[SECTORS * 512 - 1] & 0xFF);
        assertEquals((byte) (SECTORS + SECTORS * 512), disk[SECTORS * 512], "the partial tail is untouched");
        assertEquals(1, device.metrics().writes());
        assertEquals(1, device.metrics().flushes());
    }

    @Test
    void shouldReturnSerialForGetId() throws Exception {
        open(false);
        BlkRequests.header(memory, HEADER, T_GET_ID, 0);
        memory.fill(DATA, 20, (byte) 0xEE);

        driver.addChain(readable(HEADER, 16), writable(DATA, 20), writable(STATUS, 1));
        driver.addChain(readable(HEADER, 16), writable(DATA + 0x100, 4), writable(STATUS + 1, 1));
        device.processQueue(0);

        final byte[] id = new byte[20];
        memory.read(DATA, id, 0, 20);
        assertEquals("disk-serial", new String(id, StandardCharsets.US_ASCII).replace("\0", ""));
        assertEquals(0, id[19]);
        assertEquals(21, driver.used(0).length());
        assertEquals(5, driver.used(1).length());
        assertEquals('d', memory.readU8(DATA + 0x100));
    }

    @Test
    void shouldRejectWritesToReadOnlyDiskAndOfferRo() throws Exception {
        open(true);
        final byte[] before = Files.readAllBytes(image);
        BlkRequests.header(memory, HEADER, T_OUT, 0);
        memory.fill(DATA, 512, (byte) 0x11);

        driver.addChain(readable(HEADER, 16), readable(DATA, 512), writable(STATUS, 1));
        device.processQueue(0);

        assertTrue(FeatureBits.has(device.deviceFeatures(), BlkLayout.F_RO));
        assertEquals(S_IOERR, memory.readU8(STATUS));
        assertEquals(1, driver.used(0).length());
        assertArrayEquals(before, Files.readAllBytes(image));
        assertThrows(IOException.class, () -> backend.write(0, ByteBuffer.allocate(1)));
    }

    @Test
    void shouldRejectOutOfRangeSectorsWithoutIo() throws Exception {
        open(false);
        readExpecting(S_IOERR, SECTORS, 512);
        readExpecting(S_IOERR, SECTORS - 1, 1024);
        readExpecting(S_IOERR, -1L, 512);
        readExpecting(S_IOERR, 1L << 55, 512);
        readExpecting(S_OK, SECTORS - 1, 512);
        assertEquals(3, device.metrics().guestErrors() - 1);
    }

    @Test
    void shouldRejectBadLengths() throws Exception {
        open(false);
        readExpecting(S_IOERR, 0, 100);
        readExpecting(S_IOERR, 0, 511);
        BlkRequests.header(memory, HEADER, T_IN, 0);

        driver.addChain(readable(HEADER, 8), writable(DATA, 513));
        driver.addChain(readable(HEADER, 16), readable(DATA, 512));
        device.processQueue(0);

        assertEquals(1, driver.used(2).length(), "short header: status only");
        assertEquals(S_IOERR, memory.readU8(DATA + 512));
        assertEquals(0, driver.used(3).length(), "no status byte: nothing to answer in");
    }

    @Test
    void shouldAnswerUnsupportedType() throws Exception {
        open(false);
        BlkRequests.header(memory, HEADER, 11, 0);

        driver.addChain(readable(HEADER, 16), writable(STATUS, 1));
        device.processQueue(0);

        assertEquals(S_UNSUPP, memory.readU8(STATUS));
    }

    @Test
    void shouldWriteStatusLastAndReportBackendFailure() throws RingViolation {
        final MemoryBackendProbe probe = new MemoryBackendProbe(memory, STATUS);
        device = new BlkDevice(probe, "probe");
        activateDevice();
        BlkRequests.header(memory, HEADER, T_IN, 0);
        memory.writeU8(STATUS, 0xFF);

        driver.addChain(readable(HEADER, 16), writable(DATA, 512), writable(STATUS, 1));
        device.processQueue(0);

        assertEquals(0xFF, probe.statusSeenDuringIo());
        assertEquals(S_IOERR, memory.readU8(STATUS));
        assertEquals(1, driver.used(0).length());
        assertEquals(1, device.metrics().ioErrors());
    }

    private void readExpecting(final int status, final long sector, final int length) {
        BlkRequests.header(memory, HEADER, T_IN, sector);
        memory.writeU8(STATUS, 0xFF);
        final int n = driver.usedIdx();
        driver.addChain(readable(HEADER, 16), writable(DATA, length), writable(STATUS, 1));
        device.processQueue(0);
        assertEquals(n + 1, driver.usedIdx());
        assertEquals(status, memory.readU8(STATUS), "sector=" + sector + " length=" + length);
    }

    private void open(final boolean readOnly) throws IOException, RingViolation {
        backend = FileBlkBackend.open(image, readOnly);
        device = new BlkDevice(backend, "disk-serial");
        activateDevice();
    }

    private void activateDevice() throws RingViolation {
        device.activate(device.deviceFeatures(), memory, List.of(driver.activatedQueue(BlkDevice.QUEUE_SIZE, true,
                false)), interrupt);
    }

    /** Fails every read, after noting the status byte's value at the time of the I/O. */
    private static final class MemoryBackendProbe implements BlkBackend {

        private final GuestMemory memory;
        private final long status;
        private int seen = -1;

        MemoryBackendProbe(final GuestMemory memory, final long status) {
            this.memory = memory;
            this.status = status;
        }

        int statusSeenDuringIo() {
            return seen;
        }

        @Override
        public long size() {
            return 4096;
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }

        @Override
        public void read(final long offset, final ByteBuffer dst) throws IOException {
            seen = memory.readU8(status);
            throw new IOException("injected");
        }

        @Override
        public void write(final long offset, final ByteBuffer src) {
            throw new AssertionError("unexpected write");
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
