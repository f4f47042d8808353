package io.crumblecracker.virtio.vsock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteRingTest {

    @Test
    void shouldKeepOrderAcrossTheWrap() {
        final ByteRing ring = new ByteRing(8);
        assertEquals(6, ring.put(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6})));
        final ByteBuffer out = ByteBuffer.allocate(4);
        assertEquals(4, ring.take(out));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, out.array());

        final ByteBuffer in = ByteBuffer.wrap(new byte[] {7, 8, 9, 10, 11, 12, 13});
        assertEquals(6, ring.put(in), "only the space left");
        assertEquals(1, in.remaining());
        assertEquals(0, ring.space());

        final ByteBuffer all = ByteBuffer.allocate(10);
        assertEquals(8, ring.take(all));
        assertArrayEquals(new byte[] {5, 6, 7, 8, 9, 10, 11, 12, 0, 0}, all.array());
        assertEquals(0, ring.size());
    }

    @Test
    void shouldMatchAQueueUnderRandomTransfers() {
        final SplittableRandom random = new SplittableRandom(7);
        final ByteRing ring = new ByteRing(100);
        final ArrayDeque<Byte> model = new ArrayDeque<>();
        byte next = 0;
        for (int step = 0; step < 5000; step++) {
            final byte[] chunk = new byte[random.nextInt(60)];
            if (random.nextBoolean()) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = next++;
                }
                final int taken = ring.put(ByteBuffer.wrap(chunk));
                assertEquals(Math.min(chunk.length, 100 - model.size()), taken);
                for (int i = 0; i < taken; i++) {
                    model.addLast(chunk[i]);
                }
                next -= (byte) (chunk.length - taken);
            } else {
                final ByteBuffer out = ByteBuffer.wrap(chunk);
                final int moved = ring.take(out);
                assertEquals(Math.min(chunk.length, model.size()), moved);
                for (int i = 0; i < moved; i++) {
                    assertEquals(model.removeFirst(), chunk[i]);
                }
            }
            assertEquals(model.size(), ring.size());
        }
    }
}
