package io.crumblecracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI run as an unprivileged user, who cannot open {@code /dev/kvm} (mode 0600, root): it must say
 * so plainly and exit with the "no hypervisor" code, not crash. Needs root to drop privileges with
 * {@code setpriv}, as CI has.
 */
class UnprivilegedHostTest {

    @TempDir
    Path dir;

    @Test
    void shouldReportAnInaccessibleKvmAsHypervisorUnavailable() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a command as nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux)");
        final String classpath = worldReadableClasspath();
        final List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                CrumbleCommand.class.getName(), "boot", "--kernel", "/nonexistent", "-q"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .directory(Path.of("/").toFile()).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.NO_HYPERVISOR, process.exitValue(), output);
        assertTrue(output.contains("cannot open /dev/kvm") && output.contains("EACCES"), output);
    }

    /** Copies the test classpath (which may live under root's home) where user nobody can read it. */
    private String worldReadableClasspath() throws Exception {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        final List<String> entries = new ArrayList<>();
        int n = 0;
        for (final String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            final Path source = Path.of(entry);
            final Path target = dir.resolve((n++) + "-" + source.getFileName());
            if (Files.isDirectory(source)) {
                try (var walk = Files.walk(source)) {
                    for (final Path p : (Iterable<Path>) walk::iterator) {
                        final Path to = target.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(p, to);
                        }
                    }
                }
            } else if (Files.isRegularFile(source)) {
                Files.copy(source, target);
            }
            entries.add(target.toString());
        }
        try (var walk = Files.walk(dir)) {
            walk.forEach(p -> p.toFile().setReadable(true, false));
        }
        try (var walk = Files.walk(dir)) {
            walk.filter(Files::isDirectory).forEach(p -> p.toFile().setExecutable(true, false));
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
