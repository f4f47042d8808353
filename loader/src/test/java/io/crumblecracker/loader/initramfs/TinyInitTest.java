package io.crumblecracker.loader.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crumblecracker.loader.boot.BootException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks TinyInit's machine code by running it on the host. Only the variant WITHOUT the reboot call is
 * ever executed: the tests may run as root, where reboot(RESTART) would restart the host machine.
 * {@link #runOnHost} refuses any image that contains the reboot magic.
 */
class TinyInitTest {

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void shouldPrintMessageAndExitZeroOnHost(@TempDir final Path dir) throws Exception {
        final String message = "Hello from TinyInit, \u00e9t\u00e9 \u2713\n";

        final Result result = runOnHost(TinyInit.elf(message, false), dir);

        assertEquals(message, result.stdout());
        assertEquals(0, result.exitCode());
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void shouldPrintEmptyMessage(@TempDir final Path dir) throws Exception {
        final Result result = runOnHost(TinyInit.elf("", false), dir);

        assertEquals("", result.stdout());
        assertEquals(0, result.exitCode());
    }

    @Test
    void shouldIncludeRebootCallOnlyWhenAsked() {
        assertTrue(containsRebootMagic(TinyInit.elf("x")));
        assertTrue(containsRebootMagic(TinyInit.elf("x", true)));
        assertFalse(containsRebootMagic(TinyInit.elf("x", false)));
    }

    @Test
    void shouldHaveOneLoadSegmentCoveringTheFile() {
        final byte[] elf = TinyInit.elf("boot ok\n");
        final ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(0x464c457f, b.getInt(0));
        assertEquals(62, b.getShort(18));
        assertEquals(TinyInit.BASE + 120, b.getLong(24), "entry right after the headers");
        assertEquals(1, b.getShort(56));
        assertEquals(1, b.getInt(64), "PT_LOAD");
        assertEquals(elf.length, b.getLong(64 + 32));
        assertTrue(new String(elf, StandardCharsets.UTF_8).endsWith("boot ok\n"));
    }

    @Test
    void shouldBeValidForReadelf() throws Exception {
        assumeTrue(InitramfsBuilderTest.onPath("readelf"), "readelf (binutils) is not installed");
        final Path file = Files.createTempFile("tinyinit", ".elf");
        try {
            Files.write(file, TinyInit.elf("checked by readelf\n"));
            final Process process = new ProcessBuilder("readelf", "-W", "-h", "-l", file.toString())
                    .redirectErrorStream(true).start();
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), out);
            assertFalse(out.contains("Warning") || out.contains("Error"), out);
            assertTrue(out.contains("EXEC (Executable file)"), out);
            assertTrue(out.contains("Advanced Micro Devices X86-64"), out);
            assertTrue(out.contains("Entry point address:               0x400078"), out);
            assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("LOAD") && l.contains("R E")), out);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void shouldPackInitWithConsoleNode() throws Exception {
        final Map<String, InitramfsBuilderTest.Read> entries =
                InitramfsBuilderTest.read(TinyInit.initramfs("hello\n"));

        assertEquals(List.of("dev", "dev/console", "init"), List.copyOf(entries.keySet()));
        assertEquals(020600, entries.get("dev/console").entry().getMode());
        assertEquals(5, entries.get("dev/console").entry().getRemoteDeviceMaj());
        assertEquals(1, entries.get("dev/console").entry().getRemoteDeviceMin());
        assertEquals(0100755, entries.get("init").entry().getMode());
        assertTrue(containsRebootMagic(entries.get("init").content()), "the guest's /init reboots");
    }

    @Test
    void shouldRejectOversizedMessage() {
        assertThrows(BootException.class, () -> TinyInit.elf("x".repeat(TinyInit.MAX_MESSAGE + 1), false));
    }

    /** Output and status of a host run. */
    private record Result(String stdout, int exitCode) {
    }

    private static Result runOnHost(final byte[] elf, final Path dir) throws Exception {
        if (containsRebootMagic(elf)) {
            throw new AssertionError("refusing to run an image with the reboot call on the host");
        }
        final Path file = Files.write(dir.resolve("init"), elf);
        assertTrue(file.toFile().setExecutable(true));
        final Process process = new ProcessBuilder(file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        final String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the program did not exit");
        return new Result(stdout, process.exitValue());
    }

    private static boolean containsRebootMagic(final byte[] elf) {
        final ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= elf.length; i++) {
            if (b.getInt(i) == TinyInit.REBOOT_MAGIC1) {
                return true;
            }
        }
        return false;
    }
}
