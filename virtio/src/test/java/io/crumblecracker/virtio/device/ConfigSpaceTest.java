package io.crumblecracker.virtio.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigSpaceTest {

    private final ConfigSpace config = new ConfigSpace(12);

    @Test
    void shouldReadLittleEndianFieldsOfAnyWidth() {
        config.putU64(0, 0x0807_0605_0403_0201L);
        config.putU32(8, 0xDDCC_BBAA);

        assertEquals(0x0807_0605_0403_0201L, config.guestRead(0, 8));
        assertEquals(0x0403_0201L, config.guestRead(0, 4));
        assertEquals(0x0302, config.guestRead(1, 2));
        assertEquals(0xDDCC_BBAAL, config.guestRead(8, 4));
        assertEquals(0xDD, config.guestRead(11, 1));
    }

    @ParameterizedTest
    @CsvSource({"12, 1", "9, 4", "5, 8", "-1, 1", "2147483647, 1", "-2147483648, 4", "0, 3", "0, 0", "0, 16"})
    void shouldReadZeroOutsideTheSpaceOrAtBadWidths(final int offset, final int width) {
        config.putU64(0, -1L);
        config.putU32(8, -1);

        assertEquals(0, config.guestRead(offset, width));
        assertFalse(config.guestWrite(offset, width, 1));
    }

    @Test
    void shouldAcceptGuestWritesInside() {
        assertTrue(config.guestWrite(10, 2, 0xBEEF));
        assertEquals(0xBEEF, config.guestRead(10, 2));
    }

    @Test
    void shouldRefuseHostWritesOutside() {
        assertThrows(IndexOutOfBoundsException.class, () -> config.putU32(10, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConfigSpace(-1));
    }
}
