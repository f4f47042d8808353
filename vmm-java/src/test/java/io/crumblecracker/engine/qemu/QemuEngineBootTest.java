package io.crumblecracker.engine.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.initramfs.InitramfsBuilder;
import io.crumblecracker.testing.GuestKernel;
import io.crumblecracker.testing.HostRequirements;
import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.blk.FileBlkBackend;
import io.crumblecracker.virtio.rng.EntropySource;
import io.crumblecracker.virtio.rng.RngDevice;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our kernel under QEMU TCG (microvm) with our Java devices over vhost-user: a busybox {@code /init} reads
 * our rng through {@code /dev/hwrng}, reads a disk we filled with a known pattern, writes a sector to a
 * second disk, syncs and reboots, which ends QEMU. One boot for the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class QemuEngineBootTest {

    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final int DISK_BYTES = 1 << 20;
    private static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox --install -s /bin
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev
            for d in /sys/block/vd*; do
              case "$(cat $d/serial)" in
                crumble-src) src=${d##*/} ;;
                crumble-dst) dst=${d##*/} ;;
              esac
            done
            echo "CRUMBLE-DISKS src=$src dst=$dst"
            rng=$(head -c 64 /dev/hwrng | od -An -v -tx1 | tr -d ' \\n')
            echo "CRUMBLE-HWRNG $rng"
            echo "CRUMBLE-SRC-SHA256 $(head -c 4096 /dev/$src | sha256sum | cut -d' ' -f1)"
            echo "CRUMBLE-SRC-HEAD $(head -c 16 /dev/$src | od -An -v -tx1 | tr -d ' \\n')"
            printf 'written-by-guest:%s\\n' "$rng" | dd of=/dev/$dst bs=512 count=1 conv=sync,fsync 2>/dev/null
            sync
            echo "CRUMBLE-DONE"
            reboot -f
            """;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private byte[] source;
    private Path sourceFile;
    private Path targetFile;
    private FileBlkBackend sourceBackend;
    private FileBlkBackend targetBackend;
    private BlkDevice sourceDisk;
    private BlkDevice targetDisk;
    private RngDevice rng;
    private QemuExit exit;
    private long bootMillis;

    @BeforeAll
    void boot(@TempDir final Path dir) throws Exception {
        HostRequirements.require(QemuEngine.isInstalled(), "QEMU is not installed (" + QemuEngine.INSTALL_HINT + ")");
        HostRequirements.require(Files.isExecutable(BUSYBOX), "/bin/busybox is missing (apt-get install busybox-static)");
        final Path kernel = GuestKernel.bzImage();
        source = new byte[DISK_BYTES];
        for (int i = 0; i < source.length; i++) {
            source[i] = (byte) (i * 31 + (i >>> 9));
        }
        sourceFile = Files.write(dir.resolve("source.img"), source);
        targetFile = Files.write(dir.resolve("target.img"), new byte[DISK_BYTES]);
        sourceBackend = FileBlkBackend.open(sourceFile, true);
        targetBackend = FileBlkBackend.open(targetFile, false);
        sourceDisk = new BlkDevice(sourceBackend, "crumble-src");
        targetDisk = new BlkDevice(targetBackend, "crumble-dst");
        rng = new RngDevice(EntropySource.secureRandom());
        final QemuConfig config = QemuConfig.builder(kernel).memoryMiB(256).initramfs(initramfs())
                .device(sourceDisk).device(targetDisk).device(rng).consoleOut(console).build();
        final long start = System.nanoTime();
        try (QemuMachine machine = QemuEngine.locate().boot(config)) {
            exit = machine.awaitExit(Duration.ofSeconds(60));
        }
        bootMillis = (System.nanoTime() - start) / 1_000_000;
    }

    @AfterAll
    void closeBackends() throws Exception {
        if (sourceBackend != null) {
            sourceBackend.close();
        }
        if (targetBackend != null) {
            targetBackend.close();
        }
    }

    @Test
    void shouldExitCleanlyWhenTheGuestReboots() {
        assertTrue(exit.isClean(), exit.describe() + "\nconsole:\n" + consoleText());
        assertTrue(consoleText().contains("CRUMBLE-DONE"), consoleText());
        System.out.println("qemu engine: boot to exit took " + bootMillis + " ms");
    }

    @Test
    void shouldAttachTheDisksInOrder() {
        assertEquals("src=vda dst=vdb", marker("CRUMBLE-DISKS"));
    }

    @Test
    void shouldServeEntropyFromOurRngDevice() {
        final byte[] bytes = HexFormat.of().parseHex(marker("CRUMBLE-HWRNG"));
        assertEquals(64, bytes.length);
        final byte first = bytes[0];
        assertTrue(Arrays.stream(toInts(bytes)).anyMatch(b -> b != 0), "all zero");
        assertTrue(Arrays.stream(toInts(bytes)).anyMatch(b -> b != first), "all equal");
        assertTrue(rng.metrics().bytes() >= 64, "rng metrics: " + rng.metrics().bytes());
        assertEquals(0, rng.metrics().guestErrors());
    }

    @Test
    void shouldReadTheSourceDiskAsWritten() throws Exception {
        final byte[] digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(source, 4096));
        assertEquals(HexFormat.of().formatHex(digest), marker("CRUMBLE-SRC-SHA256"));
        assertArrayEquals(Arrays.copyOf(source, 16), HexFormat.of().parseHex(marker("CRUMBLE-SRC-HEAD")));
        assertTrue(sourceDisk.metrics().reads() > 0);
        assertEquals(0, sourceDisk.metrics().guestErrors());
    }

    @Test
    void shouldPersistWhatTheGuestWroteToTheTargetDisk() throws Exception {
        final String expected = "written-by-guest:" + marker("CRUMBLE-HWRNG") + "\n";
        final byte[] written = Arrays.copyOf(Files.readAllBytes(targetFile), expected.length());
        assertEquals(expected, new String(written, StandardCharsets.US_ASCII));
        assertTrue(targetDisk.metrics().writes() > 0);
    }

    private static byte[] initramfs() throws Exception {
        return new InitramfsBuilder()
                .directory("bin", 0755).directory("proc", 0755).directory("sys", 0755).directory("dev", 0755)
                .charDevice("dev/console", 0600, 5, 1)
                .file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX))
                .file("init", 0755, INIT.getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    private String marker(final String name) {
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (.*?)\\r?$").matcher(consoleText());
        assertTrue(matcher.find(), name + " missing from the console:\n" + consoleText() + "\n" + exit.describe());
        assertNotNull(matcher.group(1));
        return matcher.group(1).trim();
    }

    private static int[] toInts(final byte[] bytes) {
        final int[] ints = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ints[i] = bytes[i] & 0xFF;
        }
        return ints;
    }

    private String consoleText() {
        synchronized (console) {
            return console.toString(StandardCharsets.UTF_8);
        }
    }
}
