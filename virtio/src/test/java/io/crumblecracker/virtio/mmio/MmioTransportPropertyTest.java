package io.crumblecracker.virtio.mmio;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.device.DeviceStatus;
import io.crumblecracker.virtio.testing.FakeDriver;
import io.crumblecracker.virtio.testing.MemoryBlkBackend;
import io.crumblecracker.virtio.testing.RecordingInterruptLine;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile register traffic: random accesses, biased towards real registers and a working handshake. */
class MmioTransportPropertyTest {

    private static final int[] REGISTERS = {0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x030, 0x034,
        0x038, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080, 0x084, 0x090, 0x094, 0x0a0, 0x0a4, 0x0fc, 0x100, 0x108};
    private static final int[] SIZES = {1, 2, 4, 4, 4, 4, 8};

    static long[] seeds() {
        return new SplittableRandom(0xC0FFEE).longs(200).toArray();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void shouldNeverThrowOnRandomRegisterTraffic(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final GuestMemory memory = FakeDriver.newMemory(64 * 1024);
        final RecordingInterruptLine line = new RecordingInterruptLine();
        final BlkDevice device = new BlkDevice(new MemoryBlkBackend(8 * 512, false), "fuzz");
        final MmioTransport transport = new MmioTransport(device, memory, line);
        for (int i = 0; i < 64; i++) {
            memory.writeU64(random.nextLong(64 * 1024 / 8) * 8, random.nextLong());
        }
        assertDoesNotThrow(() -> {
            if (random.nextBoolean()) {
                handshake(transport, random);
            }
            for (int step = 0; step < 500; step++) {
                access(transport, random);
            }
        });
        transport.write(MmioRegisters.STATUS, 4, 0);
        assertEquals(0, transport.read(MmioRegisters.STATUS, 4) & ~DeviceStatus.FAILED);
    }

    private static void handshake(final MmioTransport transport, final SplittableRandom random) {
        final int size = 1 << random.nextInt(9);
        write(transport, MmioRegisters.STATUS, 1);
        write(transport, MmioRegisters.STATUS, 3);
        write(transport, MmioRegisters.DRIVER_FEATURES_SEL, 1);
        write(transport, MmioRegisters.DRIVER_FEATURES, 1);
        write(transport, MmioRegisters.DRIVER_FEATURES_SEL, 0);
        write(transport, MmioRegisters.DRIVER_FEATURES, random.nextInt() & (3 << 28));
        write(transport, MmioRegisters.STATUS, 11);
        write(transport, MmioRegisters.QUEUE_NUM, size);
        write(transport, MmioRegisters.QUEUE_DESC_LOW, random.nextInt(0x8000) & ~0xF);
        write(transport, MmioRegisters.QUEUE_DRIVER_LOW, random.nextInt(0x8000) & ~0x1);
        write(transport, MmioRegisters.QUEUE_DEVICE_LOW, random.nextInt(0x8000) & ~0x3);
        write(transport, MmioRegisters.QUEUE_READY, 1);
        write(transport, MmioRegisters.STATUS, 15);
        for (int i = 0; i < 8; i++) {
            write(transport, MmioRegisters.QUEUE_NOTIFY, 0);
        }
    }

    private static void write(final MmioTransport transport, final int offset, final int value) {
        transport.write(offset, 4, value & 0xFFFF_FFFFL);
    }

    private static void access(final MmioTransport transport, final SplittableRandom random) {
        final long offset = random.nextInt(8) == 0 ? random.nextLong() : REGISTERS[random.nextInt(REGISTERS.length)];
        final int size = SIZES[random.nextInt(SIZES.length)];
        if (random.nextBoolean()) {
            transport.read(offset, size);
            return;
        }
        final long value = switch (random.nextInt(6)) {
            case 0 -> random.nextLong();
            case 1 -> random.nextInt(16);
            case 2 -> 1L << random.nextInt(64);
            case 3 -> random.nextInt(0x10000) & ~0xFL;
            case 4 -> 0;
            default -> (1 << (1 + random.nextInt(4))) - 1;
        };
        transport.write(offset, size, value);
    }
}
