package io.crumblecracker.loader.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelCmdlineTest {

    @Test
    void shouldJoinParametersWithSingleSpaces() {
        final KernelCmdline line = new KernelCmdline().add("console=ttyS0").add("quiet").add("panic=-1");

        assertEquals("console=ttyS0 quiet panic=-1", line.toString());
        assertEquals(28, line.length());
        assertEquals(List.of("console=ttyS0", "quiet", "panic=-1"), line.params());
    }

    @Test
    void shouldEncodeAsNulTerminatedAscii() {
        final byte[] bytes = new KernelCmdline().add("ro").add("init=/init").toBytes();

        assertArrayEquals("ro init=/init\0".getBytes(StandardCharsets.US_ASCII), bytes);
    }

    @Test
    void shouldEncodeEmptyLineAsSingleNul() {
        final KernelCmdline line = new KernelCmdline();

        assertArrayEquals(new byte[] {0}, line.toBytes());
        assertEquals(0, line.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a\0b", "a\nb", "a\rb", "tab\there", "caf\u00e9", "two words", "x=\"open"})
    void shouldRejectBadParameters(final String param) {
        assertThrows(BootException.class, () -> new KernelCmdline().add(param));
    }

    @Test
    void shouldRejectNullParameter() {
        assertThrows(BootException.class, () -> new KernelCmdline().add(null));
    }

    @Test
    void shouldAllowSpacesInsideQuotes() {
        assertEquals("dyndbg=\"file a.c +p\"", new KernelCmdline().add("dyndbg=\"file a.c +p\"").toString());
    }

    @Test
    void shouldNameBothSizesWhenTooLong() {
        final KernelCmdline line = new KernelCmdline();
        line.add("a".repeat(2000));

        final BootException e = assertThrows(BootException.class, () -> line.add("b".repeat(103)));

        assertTrue(e.getMessage().contains("command line is 2105 bytes, the limit is 2048"), e.getMessage());
        assertEquals(2000, line.length(), "a rejected parameter must not be added");
    }

    @Test
    void shouldAcceptLineThatFillsCapacityExactly() {
        final KernelCmdline line = new KernelCmdline(10).add("12345").add("123");

        assertEquals(9, line.length());
        assertEquals(10, line.toBytes().length);
        assertThrows(BootException.class, () -> line.add("x"));
    }

    @Test
    void shouldDefaultToX86CommandLineSize() {
        assertEquals(2048, KernelCmdline.X86_MAX_SIZE);
        assertEquals(KernelCmdline.X86_MAX_SIZE, new KernelCmdline().capacity());
    }

    @Test
    void shouldRejectCapacityWithoutRoomForNul() {
        assertThrows(IllegalArgumentException.class, () -> new KernelCmdline(0));
    }

    @Test
    void shouldParseSplittingOnRunsOfSpaces() {
        final KernelCmdline line = KernelCmdline.parse("  console=ttyS0   reboot=k  panic=1 ");

        assertEquals(List.of("console=ttyS0", "reboot=k", "panic=1"), line.params());
    }

    @Test
    void shouldParseKeepingQuotedSpaces() {
        assertEquals(List.of("a=\"b c\"", "d"), KernelCmdline.parse("a=\"b c\" d").params());
    }

    @Test
    void shouldParseEmptyStringToEmptyLine() {
        assertEquals(0, KernelCmdline.parse("").length());
    }

    @Test
    void shouldRejectNewlineWhenParsing() {
        assertThrows(BootException.class, () -> KernelCmdline.parse("quiet\nroot=/dev/vda"));
    }

    @Test
    void shouldAddAllOrNothing() {
        final KernelCmdline line = new KernelCmdline().add("first");

        assertThrows(BootException.class, () -> line.addAll(List.of("second", "bad\0")));

        assertEquals("first", line.toString());
        assertEquals("first second third", line.addAll(List.of("second", "third")).toString());
    }
}
