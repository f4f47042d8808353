package io.crumblecracker.virtio.console;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.queue.RingViolation;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleDeviceTest {

    private static final long DATA = 0x10000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver rx = new FakeDriver(memory, 16, 0x1000);
    private final FakeDriver tx = new FakeDriver(memory, 16, 0x3000);
    private final RecordingInterruptLine interrupt = new RecordingInterruptLine();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private int spaceSignals;
    private final ConsoleOutput output = new ConsoleOutput() {
        @Override
        public void write(final byte[] buffer, final int offset, final int length) {
            written.write(buffer, offset, length);
        }

        @Override
        public void onInputSpace() {
            spaceSignals++;
        }
    };

    @Test
    void shouldDescribeItselfWithAndWithoutSize() {
        final ConsoleDevice plain = new ConsoleDevice(output, 16);
        final ConsoleDevice sized = new ConsoleDevice(output, 16, 80, 25);

        assertEquals(DeviceType.CONSOLE, plain.type());
        assertEquals(3, plain.type().id());
        assertEquals(FeatureBits.COMMON, plain.deviceFeatures());
        assertTrue(FeatureBits.has(sized.deviceFeatures(), ConsoleLayout.F_SIZE));
        assertEquals(0, sized.deviceFeatures() & (ConsoleLayout.F_MULTIPORT | ConsoleLayout.F_EMERG_WRITE));
        assertEquals(80, sized.readConfig(ConsoleLayout.CONFIG_COLS, 2));
        assertEquals(25, sized.readConfig(ConsoleLayout.CONFIG_ROWS, 2));
        assertEquals(80 | 25 << 16, sized.readConfig(0, 4));
        assertEquals(0, sized.readConfig(4, 4), "no max_nr_ports without MULTIPORT");
        assertEquals(2, plain.queueCount());
        assertThrows(IllegalArgumentException.class, () -> new ConsoleDevice(output, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConsoleDevice(output, 16, 65536, 1));
    }

    @Test
    void shouldHandGuestOutputToThePortAcrossDescriptors() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 16), false);
        memory.write(DATA, "hello, ".getBytes(StandardCharsets.US_ASCII));
        memory.write(DATA + 0x100, "world".getBytes(StandardCharsets.US_ASCII));

        final int head = tx.addChain(readable(DATA, 7), readable(DATA + 0x100, 5));
        device.processQueue(ConsoleLayout.TRANSMIT_QUEUE);

        assertEquals("hello, world", written.toString(StandardCharsets.US_ASCII));
        assertEquals(new FakeDriver.Used(head, 0), tx.used(0));
        assertEquals(List.of(ConsoleLayout.TRANSMIT_QUEUE), interrupt.usedQueues());
        assertEquals(12, device.metrics().outputBytes());
    }

    @Test
    void shouldCapOutputPerChainAndIgnoreWritableBuffers() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 16), false);

        tx.addChain(readable(DATA, 100_000), readable(DATA, 100_000), writable(DATA, 10));
        device.processQueue(ConsoleLayout.TRANSMIT_QUEUE);

        assertEquals(ConsoleDevice.MAX_OUTPUT_BYTES, written.size());
        assertEquals(1, tx.usedIdx());
        assertEquals(1, device.metrics().guestErrors());
    }

    @Test
    void shouldHoldInputUntilTheGuestSuppliesBuffers() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 64), false);

        assertEquals(5, device.input(bytes("typed"), 0, 5));
        assertEquals(5, device.pendingInput());
        assertEquals(0, rx.usedIdx());

        final int head = rx.addChain(writable(DATA, 3), writable(DATA + 0x100, 64));
        device.processQueue(ConsoleLayout.RECEIVE_QUEUE);

        assertEquals(new FakeDriver.Used(head, 5), rx.used(0));
        assertEquals("typ", read(DATA, 3));
        assertEquals("ed", read(DATA + 0x100, 2));
        assertEquals(0, device.pendingInput());
        assertEquals(List.of(ConsoleLayout.RECEIVE_QUEUE), interrupt.usedQueues());
    }

    @Test
    void shouldDeliverInputAtOnceWhenBuffersWaitAndSplitIt() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 64), false);
        rx.addChain(writable(DATA, 4));
        rx.addChain(writable(DATA + 0x100, 4));
        device.processQueue(ConsoleLayout.RECEIVE_QUEUE);
        assertEquals(0, rx.usedIdx(), "no input: receive buffers stay available");

        device.input(bytes("abcdef"), 0, 6);

        assertEquals(2, rx.usedIdx());
        assertEquals(4, rx.used(0).length());
        assertEquals(2, rx.used(1).length());
        assertEquals("abcd", read(DATA, 4));
        assertEquals("ef", read(DATA + 0x100, 2));
        assertEquals(6, device.metrics().inputBytes());
    }

    @Test
    void shouldRefuseInputBeyondCapacityThenSignalSpace() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 4), false);

        assertEquals(4, device.input(bytes("123456"), 0, 6));
        assertEquals(0, device.input(bytes("7"), 0, 1));
        assertEquals(3, device.metrics().inputRefused());
        assertEquals(0, spaceSignals);

        rx.addChain(writable(DATA, 2));
        device.processQueue(ConsoleLayout.RECEIVE_QUEUE);

        assertEquals(1, spaceSignals);
        assertEquals(2, device.pendingInput());
        assertEquals(2, device.input(bytes("78"), 0, 2));
    }

    @Test
    void shouldPublishAvailEventWhileWaitingForBuffers() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 64), true);
        rx.addChain(writable(DATA, 2));

        device.input(bytes("abcd"), 0, 4);

        assertEquals(1, rx.usedIdx());
        assertEquals(1, rx.availEvent(), "the device asks to be told of the next buffer");
        assertEquals(2, device.pendingInput());
    }

    @Test
    void shouldResizeAndSignalConfigChangeOnlyWhenNegotiated() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 16, 80, 25), false);
        device.resize(132, 43);
        assertEquals(132, device.readConfig(ConsoleLayout.CONFIG_COLS, 2));
        assertEquals(43, device.readConfig(ConsoleLayout.CONFIG_ROWS, 2));
        assertEquals(0, interrupt.configChanges(), "F_SIZE was not negotiated");

        device.reset();
        device.activate(FeatureBits.COMMON | ConsoleLayout.F_SIZE, memory, queues(false), interrupt);
        device.resize(100, 30);

        assertEquals(1, interrupt.configChanges());
        assertThrows(IllegalStateException.class, () -> new ConsoleDevice(output, 16).resize(1, 1));
    }

    @Test
    void shouldReturnReadableReceiveChainEmptyAndKeepInput() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 16), false);
        rx.addChain(readable(DATA, 4), writable(DATA + 0x100, 4));
        rx.addChain(writable(DATA + 0x200, 4));

        device.input(bytes("xy"), 0, 2);

        assertEquals(new FakeDriver.Used(0, 0), rx.used(0));
        assertEquals(2, rx.used(1).length());
        assertEquals("xy", read(DATA + 0x200, 2));
        assertEquals(1, device.metrics().guestErrors());
    }

    @Test
    void shouldAskForResetWhenTheReceiveRingBreaks() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 16), false);
        rx.addChain(writable(DATA, 4));
        rx.setAvailIdx(200);

        device.input(bytes("x"), 0, 1);

        assertTrue(interrupt.needsReset());
        assertEquals(1, device.pendingInput());
    }

    @Test
    void shouldDiscardInputOnResetAndIgnoreQueuesWhileInactive() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 16), false);
        device.input(bytes("lost"), 0, 4);
        device.reset();
        rx.addChain(writable(DATA, 4));
        tx.addChain(readable(DATA, 4));

        device.processQueue(ConsoleLayout.RECEIVE_QUEUE);
        device.processQueue(ConsoleLayout.TRANSMIT_QUEUE);
        device.processQueue(7);

        assertEquals(0, device.pendingInput());
        assertEquals(0, rx.usedIdx());
        assertEquals(0, tx.usedIdx());
        assertFalse(interrupt.needsReset());
    }

    @Test
    void shouldCopyInputArgumentsSafely() throws RingViolation {
        final ConsoleDevice device = activate(new ConsoleDevice(output, 16), false);
        final byte[] source = bytes("abc");
        assertThrows(IndexOutOfBoundsException.class, () -> device.input(source, 2, 2));
        device.input(source, 1, 2);
        source[1] = 'z';
        rx.addChain(writable(DATA, 8));
        device.processQueue(ConsoleLayout.RECEIVE_QUEUE);
        assertArrayEquals(bytes("bc"), new byte[] {(byte) memory.readU8(DATA), (byte) memory.readU8(DATA + 1)});
    }

    private ConsoleDevice activate(final ConsoleDevice device, final boolean eventIdx) throws RingViolation {
        device.activate(device.deviceFeatures() & ~ConsoleLayout.F_SIZE, memory, queues(eventIdx), interrupt);
        return device;
    }

    private List<SplitQueue> queues(final boolean eventIdx) throws RingViolation {
        final SplitQueue receive = new SplitQueue(ConsoleDevice.QUEUE_SIZE);
        rx.configure(receive);
        receive.activate(memory, true, eventIdx);
        final SplitQueue transmit = new SplitQueue(ConsoleDevice.QUEUE_SIZE);
        tx.configure(transmit);
        transmit.activate(memory, true, eventIdx);
        return List.of(receive, transmit);
    }

    private String read(final long address, final int length) {
        final byte[] out = new byte[length];
        memory.read(address, out, 0, length);
        return new String(out, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
