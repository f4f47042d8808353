package io.crumblecracker.engine.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.api.HypervisorUnavailableException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's process handling with stand-in QEMU executables (shell scripts): a missing QEMU, the
 * console and standard error captured, exit codes explained, temporary files removed.
 */
@Timeout(30)
class QemuEngineTest {

    @TempDir
    Path dir;

    @Test
    void shouldSayHowToInstallAMissingQemu() {
        final HypervisorUnavailableException e = assertThrows(HypervisorUnavailableException.class,
                () -> QemuEngine.at(dir.resolve("qemu-system-x86_64")));
        assertTrue(e.getMessage().contains("apt-get install qemu-system-x86"), e.getMessage());
        assertTrue(QemuEngine.find(dir.toString()).isEmpty());
        assertTrue(QemuEngine.find(null).isEmpty());
    }

    @Test
    void shouldFindQemuOnAPath() throws Exception {
        final Path qemu = script("qemu-system-x86_64", "exit 0");
        assertEquals(qemu, QemuEngine.find("/nonexistent:" + dir).orElseThrow());
    }

    @Test
    void shouldCaptureTheConsoleAndExplainAnAbort() throws Exception {
        final Path qemu = script("fake-qemu", "echo 'console line'; echo 'assertion failed' >&2; exit 134");
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        final QemuMachine machine = QemuEngine.at(qemu).boot(QemuConfig.builder(qemu).initramfs(new byte[16])
                .consoleOut(console).build());
        final QemuExit exit = machine.awaitExit(Duration.ofSeconds(10));
        machine.close();
        assertEquals(134, exit.exitCode());
        assertFalse(exit.isClean());
        assertTrue(exit.describe().contains("SIGABRT"), exit.describe());
        assertTrue(exit.describe().contains("vhost-user-rng"), exit.describe());
        assertTrue(exit.describe().contains("assertion failed"), exit.describe());
        assertEquals("console line\n", console.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldKillQemuOnCloseAndRemoveItsFiles() throws Exception {
        final Path marker = dir.resolve("workdir");
        final Path qemu = script("fake-qemu", "pwd > " + marker + "; exec sleep 60");
        final QemuMachine machine = QemuEngine.at(qemu).boot(QemuConfig.builder(qemu).initramfs(new byte[16]).build());
        awaitFile(marker);
        final Path workDir = Path.of(Files.readString(marker).strip());
        assertTrue(Files.exists(workDir.resolve("initramfs.cpio")));
        machine.close();
        final QemuExit exit = machine.onExit().join();
        assertEquals(143, exit.exitCode(), exit.describe());
        assertTrue(exit.describe().contains("killed by signal 15"), exit.describe());
        assertFalse(Files.exists(workDir), "working directory left behind");
    }

    @Test
    void shouldPassTheKernelAndCommandLine() throws Exception {
        final Path args = dir.resolve("args");
        final Path qemu = script("fake-qemu", "printf '%s\\n' \"$@\" > " + args);
        final QemuMachine machine = QemuEngine.at(qemu).boot(QemuConfig.builder(qemu).build());
        assertTrue(machine.awaitExit(Duration.ofSeconds(10)).isClean());
        final String text = Files.readString(args);
        assertTrue(text.contains("-kernel\n" + qemu + "\n"), text);
        assertTrue(text.contains("console=ttyS0 reboot=t panic=-1\n"), text);
    }

    private Path script(final String name, final String body) throws Exception {
        final Path path = dir.resolve(name);
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private static void awaitFile(final Path path) throws InterruptedException {
        for (int i = 0; i < 500 && !(Files.exists(path) && path.toFile().length() > 0); i++) {
            Thread.sleep(10);
        }
    }
}
