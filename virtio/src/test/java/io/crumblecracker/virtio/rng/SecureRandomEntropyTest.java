package io.crumblecracker.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SecureRandomEntropyTest {

    private final EntropySource source = EntropySource.secureRandom();

    @Test
    void shouldFillOnlyTheRequestedRange() {
        final byte[] buffer = new byte[1024];

        source.fill(buffer, 100, 600);

        assertTrue(IntStream.range(0, 100).allMatch(i -> buffer[i] == 0));
        assertTrue(IntStream.range(700, 1024).allMatch(i -> buffer[i] == 0));
        assertTrue(IntStream.range(100, 700).filter(i -> buffer[i] != 0).count() > 500);
    }

    @Test
    void shouldFillWholeBuffers() {
        final byte[] buffer = new byte[64];

        source.fill(buffer, 0, 64);

        assertTrue(IntStream.range(0, 64).filter(i -> buffer[i] != 0).count() > 40);
    }

    @Test
    void shouldRefuseRangesOutsideTheBuffer() {
        assertThrows(IndexOutOfBoundsException.class, () -> source.fill(new byte[8], 4, 5));
    }
}
