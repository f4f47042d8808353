package io.crumblecracker.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Entropy from getrandom(2) lands exactly in the asked range, in any size. */
class KernelEntropyTest {

    @Test
    void shouldFillOnlyTheRequestedRangeAcrossSeveralChunks() {
        final byte[] buffer = new byte[10_000];
        new KernelEntropy().fill(buffer, 3, 9_990);
        assertEquals(0, buffer[0] | buffer[1] | buffer[2]);
        assertEquals(0, buffer[9_993] | buffer[9_994] | buffer[9_999]);
        final long zeros = countZeros(Arrays.copyOfRange(buffer, 3, 9_993));
        assertFalse(zeros > 200, "too many zero bytes for random data: " + zeros);
    }

    @Test
    void shouldProduceDifferentBytesEachTime() {
        final KernelEntropy entropy = new KernelEntropy();
        final byte[] a = new byte[32];
        final byte[] b = new byte[32];
        entropy.fill(a, 0, 32);
        entropy.fill(b, 0, 32);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
    }

    @Test
    void shouldRejectARangeOutsideTheBuffer() {
        assertThrows(IndexOutOfBoundsException.class, () -> new KernelEntropy().fill(new byte[8], 4, 8));
    }

    private static long countZeros(final byte[] bytes) {
        long zeros = 0;
        for (final byte b : bytes) {
            if (b == 0) {
                zeros++;
            }
        }
        return zeros;
    }
}
