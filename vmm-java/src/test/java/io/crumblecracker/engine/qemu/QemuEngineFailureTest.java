package io.crumblecracker.engine.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.api.VmException;
import io.crumblecracker.loader.initramfs.InitramfsBuilder;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.testing.GuestKernel;
import io.crumblecracker.testing.HostRequirements;
import io.crumblecracker.virtio.device.ConfigSpace;
import io.crumblecracker.virtio.device.DeviceType;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import io.crumblecracker.virtio.queue.SplitQueue;
import io.crumblecracker.virtio.rng.EntropySource;
import io.crumblecracker.virtio.rng.RngDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real QEMU failing in the ways the engine must report clearly: QEMU exiting during start-up, a device
 * that throws while the guest uses it, and a backend that hangs up during negotiation.
 */
@Timeout(60)
class QemuEngineFailureTest {

    private static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox mount -t devtmpfs devtmpfs /dev
            /bin/busybox head -c 16 /dev/hwrng > /dev/null
            /bin/busybox reboot -f
            """;

    @TempDir
    Path dir;

    private QemuEngine engine;

    @BeforeEach
    void requireQemu() throws Exception {
        HostRequirements.require(QemuEngine.isInstalled(), "QEMU is not installed (" + QemuEngine.INSTALL_HINT + ")");
        engine = QemuEngine.locate();
    }

    @Test
    void shouldReportQemuExitingDuringStartupWithItsStandardError() throws Exception {
        final Path kernel = Files.write(dir.resolve("not-a-kernel"), "MZ\0\0not a kernel".getBytes(StandardCharsets.US_ASCII));
        final QemuConfig config = QemuConfig.builder(kernel)
                .device(new RngDevice(EntropySource.secureRandom())).build();
        final VmException e = assertThrows(VmException.class, () -> engine.boot(config));
        assertTrue(e.getMessage().contains("QEMU failed to start: QEMU exited with code 1"), e.getMessage());
        assertTrue(e.getMessage().contains("QEMU stderr:\nqemu: invalid kernel header"), e.getMessage());
        assertTrue(e.getMessage().contains("command: " + engine.binary() + " -M microvm"), e.getMessage());
    }

    @Test
    void shouldKillQemuWhenADeviceFails() throws Exception {
        final Path busybox = Path.of("/bin/busybox");
        HostRequirements.require(Files.isExecutable(busybox), "/bin/busybox is missing (apt-get install busybox-static)");
        final byte[] initramfs = new InitramfsBuilder().directory("dev", 0755)
                .charDevice("dev/console", 0600, 5, 1).file("bin/busybox", 0755, Files.readAllBytes(busybox))
                .file("init", 0755, INIT.getBytes(StandardCharsets.US_ASCII)).build();
        final QemuConfig config = QemuConfig.builder(GuestKernel.bzImage()).initramfs(initramfs)
                .device(new Failing(false)).build();
        try (QemuMachine machine = engine.boot(config)) {
            final QemuExit exit = machine.awaitExit(Duration.ofSeconds(45));
            assertFalse(exit.isClean(), exit.describe());
            assertEquals(137, exit.exitCode(), exit.describe());
            assertTrue(exit.describe().contains("backend failure: vhost-user-rng0: device failed: "
                    + "java.lang.IllegalStateException: the device broke"), exit.describe());
        }
    }

    @Test
    void shouldExplainQemuAbortingWhenTheBackendHangsUpDuringNegotiation() throws Exception {
        final QemuConfig config = QemuConfig.builder(GuestKernel.bzImage()).device(new Failing(true)).build();
        final VmException e = assertThrows(VmException.class, () -> engine.boot(config));
        assertTrue(e.getMessage().contains("features unavailable"), e.getMessage());
        assertTrue(e.getMessage().contains("code 134 (SIGABRT") || e.getMessage().contains("code 137"),
                e.getMessage());
    }

    /** An rng whose queue processing throws, or (when {@code early}) whose feature query does. */
    private static final class Failing implements VirtioDevice {

        private final RngDevice rng = new RngDevice(EntropySource.secureRandom());
        private final boolean early;

        Failing(final boolean early) {
            this.early = early;
        }

        @Override
        public DeviceType type() {
            return DeviceType.RNG;
        }

        @Override
        public long deviceFeatures() {
            if (early) {
                throw new IllegalStateException("features unavailable");
            }
            return rng.deviceFeatures();
        }

        @Override
        public int queueCount() {
            return 1;
        }

        @Override
        public ConfigSpace configSpace() {
            return rng.configSpace();
        }

        @Override
        public void activate(final long features, final GuestMemory memory, final List<SplitQueue> queues,
                final VirtioInterrupt interrupt) {
            rng.activate(features, memory, queues, interrupt);
        }

        @Override
        public void processQueue(final int index) {
            throw new IllegalStateException("the device broke");
        }

        @Override
        public void reset() {
            rng.reset();
        }
    }
}
