package io.crumblecracker.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.initramfs.TinyInit;
import io.crumblecracker.testing.GuestKernel;
import io.crumblecracker.testing.HostRequirements;
import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.blk.FileBlkBackend;
import io.crumblecracker.virtio.net.NetDevice;
import io.crumblecracker.virtio.rng.RngDevice;
import io.crumblecracker.virtio.vsock.VsockBackend;
import io.crumblecracker.virtio.vsock.VsockConnection;
import io.crumblecracker.virtio.vsock.VsockDevice;
import io.crumblecracker.virtio.vsock.VsockListener;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our kernel on our VMM with our Java virtio devices over virtio-mmio (queue notifications through
 * ioeventfds, interrupts through irqfds): the kernel finds them on its command line, drives the rng,
 * mounts its read-only root filesystem, an EROFS image made by {@code mkfs.erofs}, from our virtio-blk,
 * configures eth0 on our virtio-net from {@code ip=}, answers a host-initiated vsock connection to a
 * port nobody listens on with a reset, and starts {@code /sbin/init} from the root filesystem. No
 * initramfs. (User mode cannot run on a host whose KVM emulates kernel mode, so no guest process
 * takes part; the qemu engine tests cover that.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class KvmVirtioBootTest {

    private static final long GUEST_CID = 3;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private BlkDevice blk;
    private RngDevice rng;
    private NetDevice net;
    private VsockDevice vsock;
    private final AtomicInteger vsockResets = new AtomicInteger();
    private FileBlkBackend backend;
    private MachineExit exit;
    private BootWatcher watcher;
    private long imageBytes;

    @BeforeAll
    void boot(@TempDir final Path dir) throws Exception {
        HostRequirements.requireKvm();
        final Path image = erofsImage(dir);
        imageBytes = Files.size(image);
        backend = FileBlkBackend.open(image, true);
        blk = new BlkDevice(backend, "crumble-root");
        rng = new RngDevice(new KernelEntropy());
        net = new NetDevice(frame -> { }, new byte[] {0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
        vsock = new VsockDevice(GUEST_CID, VsockBackend.refusing());
        final MachineConfig config = MachineConfig.builder(GuestKernel.vmlinux()).memoryMiB(256)
                .device(blk).device(rng).device(net).device(vsock)
                .cmdline(List.of("root=/dev/vda", "rootfstype=erofs", "ro",
                        "ip=10.0.2.15::10.0.2.2:255.255.255.0:crumble:eth0:off"))
                .consoleOut(console).build();
        try (Machine machine = Machine.boot(config)) {
            final Thread prober = Thread.ofPlatform().daemon().start(() -> probeVsock(machine));
            exit = machine.awaitExit(Duration.ofMinutes(4));
            watcher = machine.bootWatcher();
            prober.interrupt();
        }
    }

    @AfterAll
    void closeBackend() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void shouldAnnounceBothDevicesOnTheCommandLine() {
        assertTrue(consoleText().contains("virtio-mmio: Registering device virtio-mmio.0 at 0xd0000000-0xd0000fff"),
                consoleText());
        assertTrue(consoleText().contains("virtio-mmio.1 at 0xd0001000-0xd0001fff"), consoleText());
    }

    @Test
    void shouldSeeTheDiskWithItsSize() {
        final long sectors = imageBytes / 512;
        assertTrue(consoleText().contains("[vda] " + sectors + " 512-byte logical blocks"), consoleText());
    }

    @Test
    void shouldMountTheRootFilesystemFromOurBlockDevice() {
        assertEquals("erofs", watcher.rootFilesystem(), consoleText());
        assertTrue(blk.metrics().reads() > 0, "no reads reached the device");
        assertEquals(0, blk.metrics().guestErrors());
    }

    @Test
    void shouldStartInitFromTheRootFilesystem() {
        assertEquals("/sbin/init", watcher.initPath(), consoleText());
        assertTrue(exit.reachedInit());
    }

    @Test
    void shouldConfigureEth0OnOurNetDeviceFromTheCommandLine() {
        assertTrue(consoleText().contains("IP-Config: Complete:"), consoleText());
        assertTrue(consoleText().contains("device=eth0, hwaddr=52:54:00:12:34:56, ipaddr=10.0.2.15"), consoleText());
        assertEquals(0, net.metrics().guestErrors());
    }

    @Test
    void shouldHaveTheGuestKernelAnswerAVsockConnectionToAClosedPortWithAReset() {
        assertTrue(vsock.metrics().packetsToGuest() > 0, "no vsock REQUEST reached the guest");
        assertTrue(vsock.metrics().packetsFromGuest() > 0, "the guest's vsock transport never answered");
        assertTrue(vsockResets.get() > 0, "no connection was refused by the guest");
    }

    @Test
    void shouldServeEntropyToTheGuest() {
        assertTrue(rng.metrics().bytes() > 0, "the guest's hwrng never read our rng device\n" + consoleText());
        assertEquals(0, rng.metrics().guestErrors());
    }

    /**
     * Connects from the host to guest port 1234, where nothing listens, until the guest kernel's vsock
     * transport answers with RST; a connection dropped by a device reset (the driver resets the device
     * while probing) does not count, since its REQUEST never reached the guest.
     */
    private void probeVsock(final Machine machine) {
        while (!machine.onExit().isDone() && vsockResets.get() == 0) {
            final long answersBefore = vsock.metrics().packetsFromGuest();
            final AtomicInteger closed = new AtomicInteger();
            vsock.connect(1234, new VsockListener() {
                @Override
                public void onClosed(final VsockConnection connection) {
                    closed.incrementAndGet();
                }
            });
            try {
                Thread.sleep(500);
            } catch (final InterruptedException e) {
                return;
            }
            if (closed.get() > 0 && vsock.metrics().packetsFromGuest() > answersBefore) {
                vsockResets.incrementAndGet();
            }
        }
    }

    private static Path erofsImage(final Path dir) throws Exception {
        final Path mkfs = Path.of("/usr/bin/mkfs.erofs");
        HostRequirements.require(Files.isExecutable(mkfs), "mkfs.erofs (package erofs-utils)");
        final Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("proc"));
        final Path init = Files.createDirectories(root.resolve("sbin")).resolve("init");
        Files.write(init, TinyInit.elf("erofs init ran\n"));
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path image = dir.resolve("root.erofs");
        final Process process = new ProcessBuilder(mkfs.toString(), image.toString(), root.toString())
                .redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, output);
        return image;
    }

    private String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }
}
