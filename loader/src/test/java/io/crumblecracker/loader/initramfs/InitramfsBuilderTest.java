package io.crumblecracker.loader.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crumblecracker.loader.boot.BootException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InitramfsBuilderTest {

    /** An entry read back from an archive. */
    record Read(CpioArchiveEntry entry, byte[] content) {
    }

    @Test
    void shouldRoundTripEveryEntryKind() throws IOException {
        final byte[] archive = new InitramfsBuilder()
                .file("/bin/hello", 0755, "hi".getBytes(StandardCharsets.UTF_8))
                .symlink("/bin/sh", "hello")
                .charDevice("/dev/console", 0600, 5, 1)
                .directory("/proc", 0555)
                .build();

        final Map<String, Read> entries = read(archive);

        assertEquals(List.of("bin", "dev", "proc", "bin/hello", "bin/sh", "dev/console"),
                new ArrayList<>(entries.keySet()), "directories first, parents before children");
        final Read hello = entries.get("bin/hello");
        assertTrue(hello.entry().isRegularFile());
        assertEquals(0100755, hello.entry().getMode());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), hello.content());
        final Read sh = entries.get("bin/sh");
        assertTrue(sh.entry().isSymbolicLink());
        assertEquals("hello", new String(sh.content(), StandardCharsets.UTF_8));
        final CpioArchiveEntry console = entries.get("dev/console").entry();
        assertTrue(console.isCharacterDevice());
        assertEquals(020600, console.getMode());
        assertEquals(5, console.getRemoteDeviceMaj());
        assertEquals(1, console.getRemoteDeviceMin());
        assertEquals(040555, entries.get("proc").entry().getMode());
        assertEquals(040755, entries.get("bin").entry().getMode(), "implicit parents get 0755");
    }

    @Test
    void shouldWriteRootOwnedEntriesWithUniqueInodes() throws IOException {
        final byte[] archive = new InitramfsBuilder()
                .file("a/b/c", 0644, new byte[10]).file("a/d", 0644, new byte[0]).build();

        final Set<Long> inodes = new HashSet<>();
        for (final Read read : read(archive).values()) {
            assertEquals(0, read.entry().getUID());
            assertEquals(0, read.entry().getGID());
            assertEquals(0, read.entry().getTime());
            assertTrue(inodes.add(read.entry().getInode()), "inode " + read.entry().getInode() + " repeated");
        }
        assertEquals(4, inodes.size());
    }

    @Test
    void shouldUseNewcFormatAndBeDeterministic() {
        final InitramfsBuilder builder = new InitramfsBuilder().file("init", 0755, new byte[] {1});

        final byte[] first = builder.build();

        assertEquals("070701", new String(first, 0, 6, StandardCharsets.US_ASCII));
        assertArrayEquals(first, builder.build());
        assertTrue(new String(first, StandardCharsets.US_ASCII).contains("TRAILER!!!"));
    }

    @Test
    void shouldLetExplicitDirectoryModeOverrideImplicitParent() throws IOException {
        final byte[] archive = new InitramfsBuilder().file("/etc/passwd", 0644, new byte[0])
                .directory("/etc", 0700).build();

        assertEquals(040700, read(archive).get("etc").entry().getMode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "../etc", "a/../b", "a//b", "a/./b", "dir/", "nul\0byte", "new\nline"})
    void shouldRejectBadPaths(final String path) {
        assertThrows(BootException.class, () -> new InitramfsBuilder().file(path, 0644, new byte[0]));
    }

    @Test
    void shouldRejectDuplicatePath() {
        final InitramfsBuilder builder = new InitramfsBuilder().file("init", 0755, new byte[0]);

        assertThrows(BootException.class, () -> builder.symlink("/init", "x"));
    }

    @Test
    void shouldRejectEntryBelowNonDirectory() {
        final InitramfsBuilder builder = new InitramfsBuilder().file("init", 0755, new byte[0]);

        assertThrows(BootException.class, () -> builder.file("init/x", 0644, new byte[0]));
        assertThrows(BootException.class, () -> builder.directory("init", 0755));
    }

    @Test
    void shouldRejectBadModesDeviceNumbersAndTargets() {
        final InitramfsBuilder builder = new InitramfsBuilder();

        assertThrows(BootException.class, () -> builder.file("f", 010000, new byte[0]));
        assertThrows(BootException.class, () -> builder.directory("d", -1));
        assertThrows(BootException.class, () -> builder.charDevice("c", 0600, 4096, 0));
        assertThrows(BootException.class, () -> builder.charDevice("c", 0600, 1, -1));
        assertThrows(BootException.class, () -> builder.symlink("l", ""));
    }

    @Test
    void shouldBeListedByCpioTool(@TempDir final Path dir) throws Exception {
        assumeTrue(onPath("cpio"), "cpio is not installed");
        final Path archive = Files.write(dir.resolve("initramfs.cpio"), TinyInit.initramfs("hello\n"));

        final Process process = new ProcessBuilder("cpio", "-t", "-F", archive.toString())
                .redirectErrorStream(true).start();
        final String listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), listing);
        assertEquals(List.of("dev", "dev/console", "init"), listing.lines().filter(l -> !l.contains("block")).toList());
    }

    static Map<String, Read> read(final byte[] archive) throws IOException {
        final Map<String, Read> entries = new LinkedHashMap<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(archive))) {
            CpioArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), new Read(entry, in.readAllBytes()));
            }
        }
        return entries;
    }

    static boolean onPath(final String tool) {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
