package io.crumblecracker.engine.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.virtio.blk.BlkDevice;
import io.crumblecracker.virtio.rng.EntropySource;
import io.crumblecracker.virtio.rng.RngDevice;
import io.crumblecracker.virtio.blk.FileBlkBackend;
import io.crumblecracker.virtio.net.NetDevice;
import io.crumblecracker.virtio.vsock.VsockBackend;
import io.crumblecracker.virtio.vsock.VsockDevice;
import java.nio.file.Files;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The QEMU argument vector: microvm with memfd RAM, stdio console, one vhost-user front-end per device. */
class QemuCommandLineTest {

    @Test
    void shouldBuildTheMicrovmCommandLine() {
        final QemuConfig config = QemuConfig.builder(Path.of("/k/bzImage")).memoryMiB(128).cpus(2)
                .cmdline(List.of("quiet", "init=/init")).device(new RngDevice(EntropySource.secureRandom())).build();
        final List<String> args = QemuCommandLine.build(Path.of("/usr/bin/qemu-system-x86_64"), config,
                Path.of("/w/initramfs.cpio"), List.of(Path.of("/w/vu0.sock")));
        final String line = String.join(" ", args);
        assertTrue(line.startsWith("/usr/bin/qemu-system-x86_64 -M microvm,acpi=off,memory-backend=mem "
                + "-object memory-backend-memfd,id=mem,size=128M,share=on -m 128M -smp 2 -accel tcg "
                + "-nographic -nodefaults -no-reboot -serial stdio -kernel /k/bzImage -initrd /w/initramfs.cpio"), line);
        assertEquals("console=ttyS0 reboot=t panic=-1 quiet init=/init", args.get(args.indexOf("-append") + 1));
        assertTrue(line.endsWith("-chardev socket,id=vu0,path=/w/vu0.sock -device vhost-user-rng,chardev=vu0"), line);
    }

    @Test
    void shouldEscapeCommasInSocketPaths() {
        final QemuConfig config = QemuConfig.builder(Path.of("/k")).accel(QemuConfig.Accel.KVM)
                .device(new RngDevice(EntropySource.secureRandom())).build();
        final List<String> args = QemuCommandLine.build(Path.of("qemu"), config, null, List.of(Path.of("/a,b/s")));
        assertTrue(args.contains("socket,id=vu0,path=/a,,b/s"), args.toString());
        assertTrue(args.contains("kvm"));
        assertTrue(!args.contains("-initrd"));
    }

    @Test
    void shouldAskForOneQueuePerBlockDeviceQueue(@TempDir final Path dir) throws Exception {
        try (FileBlkBackend disk = FileBlkBackend.open(Files.write(dir.resolve("d"), new byte[4096]), true)) {
            assertEquals("vhost-user-blk,num-queues=1", QemuCommandLine.frontEnd(new BlkDevice(disk, "x")));
        }
    }

    @Test
    void shouldAttachVsockAndNetOverVhostUserWithModernTransports() {
        final NetDevice net = new NetDevice(frame -> { }, new byte[] {0x52, 0x54, 0x00, 0x0a, (byte) 0xbc, 0x0f});
        final QemuConfig config = QemuConfig.builder(Path.of("/k"))
                .device(new VsockDevice(3, VsockBackend.refusing())).device(net).build();
        final List<String> args = QemuCommandLine.build(Path.of("qemu"), config, null,
                List.of(Path.of("/w/vu0.sock"), Path.of("/w/vu1.sock")));
        final String line = String.join(" ", args);
        assertTrue(line.contains("-global virtio-mmio.force-legacy=false"), line);
        assertTrue(line.endsWith("-chardev socket,id=vu0,path=/w/vu0.sock -device vhost-user-vsock-device,chardev=vu0 "
                + "-chardev socket,id=vu1,path=/w/vu1.sock -netdev vhost-user,id=net1,chardev=vu1 "
                + "-device virtio-net-device,mac=52:54:00:0a:bc:0f,netdev=net1"), line);
    }

    @Test
    void shouldQuoteArgumentsWithSpacesForDisplay() {
        assertEquals("qemu -append 'a b' -x 'it'\\''s'", QemuCommandLine.display(List.of("qemu", "-append", "a b",
                "-x", "it's")));
    }

    @Test
    void shouldRefuseInvalidConfigurations() {
        assertThrows(IllegalArgumentException.class, () -> QemuConfig.builder(Path.of("/k")).memoryMiB(16).build());
        assertThrows(IllegalArgumentException.class, () -> QemuConfig.builder(Path.of("/k")).cpus(0).build());
        final QemuConfig.Builder nine = QemuConfig.builder(Path.of("/k"));
        for (int i = 0; i < 9; i++) {
            nine.device(new RngDevice(EntropySource.secureRandom()));
        }
        assertThrows(IllegalArgumentException.class, nine::build);
    }
}
