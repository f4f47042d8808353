package io.crumblecracker.virtio.queue;

import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.readable;
import static io.crumblecracker.virtio.testing.FakeDriver.Buffer.writable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.virtio.testing.FakeDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChainReaderWriterTest {

    private static final long DATA = 0x10000;

    private final GuestMemory memory = FakeDriver.newMemory(1 << 20);
    private final FakeDriver driver = new FakeDriver(memory, 16, 0x1000);
    private final ChainReader reader = new ChainReader();
    private final ChainWriter writer = new ChainWriter();
    private SplitQueue queue;

    @BeforeEach
    void activate() throws RingViolation {
        queue = driver.activatedQueue(16, true, false);
    }

    @Test
    void shouldReadValuesSplitAcrossDescriptors() throws QueueViolation {
        for (int i = 0; i < 16; i++) {
            memory.writeU8(DATA + i, i + 1);
        }
        // 16 bytes spread over buffers of 1, 3, 0, 5 and 7 bytes, at scattered addresses.
        copy(DATA, 0x20000, 1);
        copy(DATA + 1, 0x21000, 3);
        copy(DATA + 4, 0x22000, 5);
        copy(DATA + 9, 0x23000, 7);
        driver.addChain(readable(0x20000, 1), readable(0x21000, 3), readable(0x30000, 0), readable(0x22000, 5),
                readable(0x23000, 7), writable(0x24000, 4));

        reader.wrap(queue.popChain());

        assertEquals(16, reader.remaining());
        assertEquals(0x04030201, reader.readU32());
        assertEquals(0x0605, reader.readU16());
        assertEquals(0x0E0D0C0B0A090807L, reader.readU64());
        assertEquals(0x0F, reader.readU8());
        assertEquals(1, reader.remaining());
        assertEquals(15, reader.position());
    }

    @Test
    void shouldCopyBytesAcrossDescriptors() throws QueueViolation {
        memory.write(0x20000, new byte[] {1, 2, 3});
        memory.write(0x21000, new byte[] {4, 5});
        driver.addChain(readable(0x20000, 3), readable(0x21000, 2));
        final byte[] out = new byte[6];

        reader.wrap(queue.popChain()).read(out, 1, 5);

        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5}, out);
    }

    @Test
    void shouldWriteAcrossDescriptorsOfIndirectTable() throws QueueViolation {
        driver.addIndirectChain(0x40000, readable(0x20000, 8), writable(0x21000, 2), writable(0x22000, 3),
                writable(0x23000, 8));

        writer.wrap(queue.popChain());
        writer.writeU32(0xA1B2C3D4);
        writer.write(new byte[] {9, 8, 7}, 0, 3);
        writer.fill((byte) 0x55, 2);
        writer.writeU16(0x7766);

        assertEquals(2, writer.remaining());
        assertEquals(11, writer.position());
        assertEquals(0xC3D4, memory.readU16(0x21000));
        assertEquals(0xA1B2, memory.readU16(0x22000));
        assertEquals(9, memory.readU8(0x22002));
        assertEquals(0x7766_5555_0708L, memory.readU64(0x23000) & 0xFFFF_FFFF_FFFFL);
    }

    @Test
    void shouldRefuseToReadOrWritePastTheEnd() throws QueueViolation {
        driver.addChain(readable(0x20000, 3), writable(0x21000, 3));
        final DescriptorChain chain = queue.popChain();
        reader.wrap(chain);
        writer.wrap(chain);

        assertThrows(IndexOutOfBoundsException.class, reader::readU32);
        assertThrows(IndexOutOfBoundsException.class, () -> writer.writeU64(1));
        assertThrows(IndexOutOfBoundsException.class, () -> reader.skip(4));
        assertThrows(IndexOutOfBoundsException.class, () -> writer.skip(-1));
        assertEquals(3, reader.remaining());
        assertEquals(3, writer.remaining());
    }

    @Test
    void shouldExposeSegmentsForZeroCopyIo() throws QueueViolation {
        driver.addChain(writable(0x20000, 10), writable(0x30000, 6));
        writer.wrap(queue.popChain());

        writer.skip(4);
        assertEquals(0x20004, writer.segmentAddress());
        assertEquals(6, writer.segmentLength());
        writer.skip(6);
        assertEquals(0x30000, writer.segmentAddress());
        writer.skip(6);
        assertEquals(0, writer.segmentLength());
    }

    private void copy(final long from, final long to, final int length) {
        final byte[] bytes = new byte[length];
        memory.read(from, bytes, 0, length);
        memory.write(to, bytes);
    }
}
