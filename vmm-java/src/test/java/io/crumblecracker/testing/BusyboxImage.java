package io.crumblecracker.testing;

import io.crumblecracker.api.ImageConfig;
import io.crumblecracker.api.ImageSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A small container image for end-to-end tests: Debian's static busybox with every applet linked, an
 * {@code /etc} with users root, nobody and {@code tester} (1000:1000, group {@code testers} 1000 and
 * supplementary {@code extra} 2000), made into an EROFS image with {@code mkfs.erofs} (the oracle until our
 * own writer lands). Built once per JVM into a temporary directory.
 */
public final class BusyboxImage {
    /** The host's static busybox. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    /** The image's configuration: an env variable and working directory tests can see. */
    public static final ImageConfig CONFIG = new ImageConfig(List.of("IMAGE_VAR=from-image",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), "/work",
            List.of(), List.of("sh", "-c", "echo entrypoint-default"), "", Map.of("org.example", "busybox-test"));

    private static Path image;

    private BusyboxImage() {
    }

    /** The image as an {@link ImageSource}; skips (fails under CI) without busybox or mkfs.erofs. */
    public static synchronized ImageSource source() throws IOException, InterruptedException {
        HostRequirements.require(Files.isExecutable(BUSYBOX), "/bin/busybox is missing (apt-get install busybox-static)");
        HostRequirements.require(onPath("mkfs.erofs"), "mkfs.erofs is missing (apt-get install erofs-utils)");
        if (image == null) {
            image = build(Files.createTempDirectory("crumble-busybox-image"));
        }
        return ImageSource.rootFilesystem(image, CONFIG);
    }

    private static Path build(final Path dir) throws IOException, InterruptedException {
        final Path root = dir.resolve("root");
        for (final String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "root", "home/tester", "tmp",
                "work", "var/tmp", "proc", "sys", "dev", "run")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        for (final String applet : run(List.of(BUSYBOX.toString(), "--list-full")).split("\n")) {
            final String path = applet.strip();
            if (!path.isEmpty() && !path.equals("bin/busybox")) {
                final Path link = root.resolve(path);
                Files.createDirectories(link.getParent());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, Path.of("/bin/busybox"));
                }
            }
        }
        write(root, "etc/passwd", """
                root:x:0:0:root:/root:/bin/sh
                nobody:x:65534:65534:nobody:/nonexistent:/bin/false
                tester:x:1000:1000:Test User:/home/tester:/bin/sh
                """);
        write(root, "etc/group", """
                root:x:0:
                tty:x:5:
                nogroup:x:65534:
                testers:x:1000:
                extra:x:2000:tester
                """);
        write(root, "etc/hostname", "busybox-test\n");
        write(root, "etc/motd", "welcome to the test image\n");
        write(root, "work/hello.txt", "hello from the image\n");
        final Path erofs = dir.resolve("busybox.erofs");
        try {
            run(List.of("chown", "-R", "1000:1000", root.resolve("home/tester").toString()));
        } catch (final IOException notRoot) {
            // Without root the home directory stays ours; no test depends on its owner.
        }
        run(List.of("mkfs.erofs", "-T0", erofs.toString(), root.toString()));
        return erofs;
    }

    private static void write(final Path root, final String path, final String text) throws IOException {
        Files.writeString(root.resolve(path), text, StandardCharsets.UTF_8);
    }

    private static String run(final List<String> command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed: " + out);
        }
        return out;
    }

    private static boolean onPath(final String program) {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
