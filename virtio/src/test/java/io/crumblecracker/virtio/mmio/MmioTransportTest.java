package io.crumblecracker.virtio.mmio;

import static io.crumblecracker.virtio.device.DeviceStatus.ACKNOWLEDGE;
import static io.crumblecracker.virtio.device.DeviceStatus.DEVICE_NEEDS_RESET;
import static io.crumblecracker.virtio.device.DeviceStatus.DRIVER;
import static io.crumblecracker.virtio.device.DeviceStatus.DRIVER_OK;
import static io.crumblecracker.virtio.device.DeviceStatus.FAILED;
import static io.crumblecracker.virtio.device.DeviceStatus.FEATURES_OK;
import static io.crumblecracker.virtio.mmio.MmioRegisters.DRIVER_FEATURES;
import static io.crumblecracker.virtio.mmio.MmioRegisters.DRIVER_FEATURES_SEL;
import static io.crumblecracker.virtio.mmio.MmioRegisters.INTERRUPT_ACK;
import static io.crumblecracker.virtio.mmio.MmioRegisters.INTERRUPT_STATUS;
import static io.crumblecracker.virtio.mmio.MmioRegisters.QUEUE_NOTIFY;
import static io.crumblecracker.virtio.mmio.MmioRegisters.QUEUE_NUM;
import static io.crumblecracker.virtio.mmio.MmioRegisters.QUEUE_NUM_MAX;
import static io.crumblecracker.virtio.mmio.MmioRegisters.QUEUE_READY;
import static io.crumblecracker.virtio.mmio.MmioRegisters.QUEUE_SEL;
import static io.crumblecracker.virtio.mmio.MmioRegisters.STATUS;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.blk.BlkLayout;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.queue.RingLayout;
import io.crumblecracker.virtio.rng.RngDevice;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.MemoryBlkBackend;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MmioTransportTest {

    private static final long FEATURES = FeatureBits.VERSION_1 | FeatureBits.RING_EVENT_IDX;
    private static final long DATA = 0x10000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver driver = new FakeDriver(memory, 16, 0x1000);
    private final RecordingInterruptLine line = new RecordingInterruptLine();
    private final List<Integer> notified = new ArrayList<>();
    private final RngDevice device = new RngDevice((buffer, offset, length) -> Arrays.fill(buffer, offset,
            offset + length, (byte) 0x5A));
    private final MmioTransport transport = new MmioTransport(device, memory, line, index -> {
        notified.add(index);
        device.processQueue(index);
    });

    @Test
    void shouldIdentifyAsVersionTwoDevice() {
        assertEquals(0x74726976L, read(MmioRegisters.MAGIC_VALUE));
        assertEquals(2, read(MmioRegisters.VERSION_REG));
        assertEquals(4, read(MmioRegisters.DEVICE_ID));
        assertEquals(MmioRegisters.VENDOR_ID, read(MmioRegisters.VENDOR_ID_REG));
        assertEquals(0xFFFF_FFFFL, read(MmioRegisters.SHM_LEN_LOW));
    }

    @Test
    void shouldCompleteFullHandshakeAndServeTheQueue() {
        handshake(FEATURES);

        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK, read(STATUS));
        final int head = driver.addChain(writable(DATA, 32));
        write(QUEUE_NOTIFY, 0);

        assertEquals(List.of(0), notified);
        assertEquals(1, driver.usedIdx());
        assertEquals(new FakeDriver.Used(head, 32), driver.used(0));
        assertEquals(0x5A, memory.readU8(DATA + 31));
        assertEquals(MmioRegisters.INT_USED_BUFFER, read(INTERRUPT_STATUS));
        assertEquals(1, line.triggers());
        write(INTERRUPT_ACK, MmioRegisters.INT_USED_BUFFER);
        assertEquals(0, read(INTERRUPT_STATUS));
    }

    @Test
    void shouldOfferDeviceFeaturesThroughSelector() {
        write(MmioRegisters.DEVICE_FEATURES_SEL, 1);
        assertEquals(1, read(MmioRegisters.DEVICE_FEATURES) & 1, "VERSION_1 is bit 32");
        write(MmioRegisters.DEVICE_FEATURES_SEL, 0);
        assertEquals(FeatureBits.COMMON & 0xFFFF_FFFFL, read(MmioRegisters.DEVICE_FEATURES));
        write(MmioRegisters.DEVICE_FEATURES_SEL, 7);
        assertEquals(0, read(MmioRegisters.DEVICE_FEATURES));
    }

    @Test
    void shouldIgnoreStatusBitsSetOutOfOrder() {
        write(STATUS, DRIVER);
        assertEquals(0, read(STATUS));
        write(STATUS, ACKNOWLEDGE);
        write(STATUS, ACKNOWLEDGE | FEATURES_OK);
        assertEquals(ACKNOWLEDGE, read(STATUS));
        write(STATUS, ACKNOWLEDGE | DRIVER);
        write(STATUS, ACKNOWLEDGE | DRIVER | DRIVER_OK);
        assertEquals(ACKNOWLEDGE | DRIVER, read(STATUS));
        write(STATUS, DRIVER);
        assertEquals(ACKNOWLEDGE | DRIVER, read(STATUS), "clearing bits is not a legal write");
        write(STATUS, ACKNOWLEDGE | DRIVER | 0x10);
        assertEquals(ACKNOWLEDGE | DRIVER, read(STATUS), "reserved bits are refused");
    }

    @Test
    void shouldRefuseFeaturesTheDeviceDidNotOffer() {
        write(STATUS, ACKNOWLEDGE);
        write(STATUS, ACKNOWLEDGE | DRIVER);
        writeDriverFeatures(FEATURES | (1L << 40));
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);

        assertEquals(ACKNOWLEDGE | DRIVER, read(STATUS));
    }

    @Test
    void shouldRefuseDriverWithoutVersionOne() {
        write(STATUS, ACKNOWLEDGE);
        write(STATUS, ACKNOWLEDGE | DRIVER);
        writeDriverFeatures(FeatureBits.RING_EVENT_IDX);
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);

        assertEquals(ACKNOWLEDGE | DRIVER, read(STATUS));
    }

    @Test
    void shouldIgnoreFeatureWritesOutsideNegotiation() {
        writeDriverFeatures(FEATURES);
        write(STATUS, ACKNOWLEDGE);
        write(STATUS, ACKNOWLEDGE | DRIVER);
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);
        assertEquals(ACKNOWLEDGE | DRIVER, read(STATUS), "features written before DRIVER were dropped");

        writeDriverFeatures(FEATURES);
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);
        writeDriverFeatures(FEATURES | FeatureBits.RING_INDIRECT_DESC);
        setUpQueue();
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        driver.writeDescriptor(0, 0x20000, 16, RingLayout.DESC_F_INDIRECT, 0);
        driver.publish(0);
        write(QUEUE_NOTIFY, 0);

        assertEquals(0, driver.used(0).length(), "INDIRECT_DESC written after FEATURES_OK was not negotiated");
    }

    @Test
    void shouldIgnoreQueueRegistersOutsideQueueSetup() {
        write(QUEUE_NUM, 8);
        write(QUEUE_READY, 1);
        assertEquals(0, read(QUEUE_READY), "before FEATURES_OK");

        handshake(FEATURES);
        write(QUEUE_READY, 0);
        write(QUEUE_NUM, 4);
        write(MmioRegisters.QUEUE_DEVICE_LOW, 0x9000);
        assertEquals(1, read(QUEUE_READY), "after DRIVER_OK");
        for (int i = 0; i < 6; i++) {
            driver.addChain(writable(DATA, 8));
        }
        write(QUEUE_NOTIFY, 0);
        assertEquals(6, driver.usedIdx(), "the queue kept its 16 entries and its used ring");
    }

    @Test
    void shouldIgnoreQueueAddressWritesWhileQueueIsReady() {
        negotiate(FEATURES);
        setUpQueue();
        write(MmioRegisters.QUEUE_DESC_LOW, 0x8000);
        write(QUEUE_READY, 7);
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
        driver.addChain(writable(DATA, 8));
        write(QUEUE_NOTIFY, 0);

        assertEquals(1, read(QUEUE_READY));
        assertEquals(1, driver.usedIdx());
    }

    @Test
    void shouldReportQueueMaxOnlyForExistingQueues() {
        assertEquals(256, read(QUEUE_NUM_MAX));
        write(QUEUE_SEL, 1);
        assertEquals(0, read(QUEUE_NUM_MAX));
        write(QUEUE_SEL, -1);
        assertEquals(0, read(QUEUE_NUM_MAX));
    }

    @Test
    void shouldSetNeedsResetWhenQueueConfigurationIsBad() {
        negotiate(FEATURES);
        setUpQueue();
        write(QUEUE_READY, 0);
        write(QUEUE_NUM, 12);
        write(QUEUE_READY, 1);
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);

        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK | DEVICE_NEEDS_RESET, read(STATUS));
        assertEquals(MmioRegisters.INT_CONFIG_CHANGE, read(INTERRUPT_STATUS));
        driver.addChain(writable(DATA, 8));
        write(QUEUE_NOTIFY, 0);
        assertEquals(List.of(), notified);
    }

    @Test
    void shouldTolerateNeedsResetBitWrittenBackAndResetOnZero() {
        shouldSetNeedsResetWhenQueueConfigurationIsBad();
        write(STATUS, (int) read(STATUS) | FAILED);
        assertEquals(FAILED, read(STATUS) & FAILED);

        write(STATUS, 0);

        assertEquals(0, read(STATUS));
        assertEquals(0, read(INTERRUPT_STATUS));
        assertEquals(0, read(QUEUE_READY));
        memory.fill(driver.descTable(), driver.end() - driver.descTable(), (byte) 0);
        driver.setAvailIdx(0);
        handshake(FEATURES);
        driver.addChain(writable(DATA, 8));
        write(QUEUE_NOTIFY, 0);
        assertEquals(1, driver.usedIdx());
    }

    @Test
    void shouldDeliverNotifyOnlyAfterDriverOkAndForExistingQueues() {
        write(QUEUE_NOTIFY, 0);
        handshake(FEATURES);
        write(QUEUE_NOTIFY, 1);
        write(QUEUE_NOTIFY, -1);
        write(QUEUE_NOTIFY, 0);

        assertEquals(List.of(0), notified);
    }

    @Test
    void shouldIgnoreAccessesThatAreNotAlignedWords() {
        assertEquals(0, transport.read(MmioRegisters.MAGIC_VALUE, 2));
        assertEquals(0, transport.read(MmioRegisters.MAGIC_VALUE + 1, 4));
        assertEquals(0, transport.read(MmioRegisters.MAGIC_VALUE, 8));
        transport.write(STATUS, 1, ACKNOWLEDGE);
        transport.write(STATUS + 2, 4, ACKNOWLEDGE);
        assertEquals(0, read(STATUS));
    }

    @Test
    void shouldReadZeroAndIgnoreWritesAtUnknownOffsets() {
        for (final int offset : new int[] {0x018, 0x01c, 0x028, 0x03c, 0x040, 0x048, 0x054, 0x068, 0x0c0, 0x0f8}) {
            write(offset, -1);
            assertEquals(0, read(offset), "offset=" + offset);
        }
        assertEquals(0, read(STATUS));
        assertEquals(0, transport.read(-8, 4));
        assertEquals(0, transport.read(Long.MAX_VALUE, 4));
        assertEquals(0, transport.read(MmioRegisters.CONFIG + 5000, 4));
        transport.write(-4, 4, 1);
        transport.write(Long.MIN_VALUE, 4, 1);
        transport.write(Long.MAX_VALUE, 8, -1);
        assertEquals(MmioRegisters.MAGIC, read(MmioRegisters.MAGIC_VALUE));
    }

    @Test
    void shouldReadZeroConfigForDeviceWithoutConfigSpace() {
        assertEquals(0, transport.read(MmioRegisters.CONFIG, 4));
        assertEquals(0, read(MmioRegisters.CONFIG_GENERATION));
    }

    @Test
    void shouldExposeDeviceConfigurationFromOffset0x100() {
        final BlkDevice blk = new BlkDevice(new MemoryBlkBackend(40 * 512, true), "cfg");
        final MmioTransport blkTransport = new MmioTransport(blk, memory, line);

        assertEquals(2, blkTransport.read(MmioRegisters.DEVICE_ID, 4));
        assertEquals(40, blkTransport.read(MmioRegisters.CONFIG, 8));
        assertEquals(40, blkTransport.read(MmioRegisters.CONFIG, 1));
        assertEquals(512, blkTransport.read(MmioRegisters.CONFIG + BlkLayout.CONFIG_BLK_SIZE, 4));
        assertEquals(0, blkTransport.read(MmioRegisters.CONFIG + BlkLayout.CONFIG_SIZE, 4));
        blkTransport.write(MmioRegisters.CONFIG, 8, -1);
        assertEquals(40, blkTransport.read(MmioRegisters.CONFIG, 8));
        blkTransport.write(MmioRegisters.DEVICE_FEATURES_SEL, 4, 0);
        assertEquals(BlkLayout.F_RO, blkTransport.read(MmioRegisters.DEVICE_FEATURES, 4) & BlkLayout.F_RO);
    }

    @Test
    void shouldRenderKernelParameter() {
        assertEquals("virtio_mmio.device=4K@0xd0000000:5", MmioCmdline.deviceParameter(0x1000, 0xd000_0000L, 5));
        assertEquals("virtio_mmio.device=2M@0x100000000:12", MmioCmdline.deviceParameter(2 << 20, 1L << 32, 12));
        assertEquals("virtio_mmio.device=512@0x0:1", MmioCmdline.deviceParameter(512, 0, 1));
        assertTrue(MmioCmdline.deviceParameter(1L << 30, 0, 1).contains("=1G@"));
    }

    private void handshake(final long features) {
        negotiate(features);
        setUpQueue();
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    }

    private void negotiate(final long features) {
        write(STATUS, 0);
        write(STATUS, ACKNOWLEDGE);
        write(STATUS, ACKNOWLEDGE | DRIVER);
        writeDriverFeatures(features);
        write(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK, read(STATUS));
    }

    private void setUpQueue() {
        write(QUEUE_SEL, 0);
        assertEquals(0, read(QUEUE_READY));
        write(QUEUE_NUM, driver.size());
        write(MmioRegisters.QUEUE_DESC_LOW, (int) driver.descTable());
        write(MmioRegisters.QUEUE_DESC_HIGH, 0);
        write(MmioRegisters.QUEUE_DRIVER_LOW, (int) driver.availRing());
        write(MmioRegisters.QUEUE_DRIVER_HIGH, 0);
        write(MmioRegisters.QUEUE_DEVICE_LOW, (int) driver.usedRing());
        write(MmioRegisters.QUEUE_DEVICE_HIGH, 0);
        write(QUEUE_READY, 1);
        assertEquals(1, read(QUEUE_READY));
    }

    private void writeDriverFeatures(final long features) {
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, (int) features);
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, (int) (features >>> 32));
    }

    private long read(final int offset) {
        return transport.read(offset, 4);
    }

    private void write(final int offset, final int value) {
        transport.write(offset, 4, value & 0xFFFF_FFFFL);
    }
}
