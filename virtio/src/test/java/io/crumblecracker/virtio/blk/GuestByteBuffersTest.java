package io.crumblecracker.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemoryException;
import io.crumblecracker.memory.MemoryRegion;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reused views of guest RAM land on the right bytes of the right region. */
class GuestByteBuffersTest {

    @Test
    void shouldViewTheRequestedBytesOfEachRegionAndReuseTheView() {
        try (Arena arena = Arena.ofConfined()) {
            final SegmentGuestMemory memory = new SegmentGuestMemory(List.of(
                    new MemoryRegion(GuestAddress.ZERO, arena.allocate(64 * 1024)),
                    new MemoryRegion(GuestAddress.of(1L << 32), arena.allocate(64 * 1024))));
            final GuestByteBuffers buffers = new GuestByteBuffers();
            final ByteBuffer low = buffers.view(memory, 0x100, 16);
            assertEquals(0x100, low.position());
            assertEquals(16, low.remaining());
            low.put((byte) 0x5A);
            assertEquals(0x5A, memory.readU8(0x100));
            final ByteBuffer high = buffers.view(memory, (1L << 32) + 8, 4);
            high.put((byte) 0x33);
            assertEquals(0x33, memory.readU8((1L << 32) + 8));
            assertSame(low, buffers.view(memory, 0x200, 8));
            assertEquals(64 * 1024, buffers.view(memory, 0x200, 1 << 20).limit(), "clipped at the region end");
        }
    }

    @Test
    void shouldRefuseAnAddressOutsideGuestRam() {
        try (Arena arena = Arena.ofConfined()) {
            final SegmentGuestMemory memory = SegmentGuestMemory.of(arena.allocate(4096));
            assertThrows(GuestMemoryException.class, () -> new GuestByteBuffers().view(memory, 8192, 16));
        }
    }
}
