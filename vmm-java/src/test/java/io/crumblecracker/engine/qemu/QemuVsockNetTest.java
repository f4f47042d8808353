package io.crumblecracker.engine.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.initramfs.InitramfsBuilder;
import io.crumblecracker.testing.GuestKernel;
import io.crumblecracker.testing.HostRequirements;
import io.crumblecracker.virtio.net.NetBackend;
import io.crumblecracker.virtio.net.NetDevice;
import io.crumblecracker.virtio.vsock.VsockConnection;
import io.crumblecracker.virtio.vsock.VsockDevice;
import io.crumblecracker.virtio.vsock.VsockListener;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our vsock and net devices under QEMU TCG (microvm) over vhost-user, exercised by a real guest in one boot:
 *
 * <ul>
 *   <li>vsock, guest to host: a static C probe ({@code guest/vsock_probe.c}, compiled here with
 *       {@code musl-gcc}) connects to CID 2 port 5000, where our {@link VsockDevice}'s backend accepts and
 *       answers; the guest prints the reply;</li>
 *   <li>vsock, host to guest: once the probe prints that it listens on port 6000, the test calls
 *       {@link VsockDevice#connect}, writes a line and reads the guest's echo;</li>
 *   <li>net: the kernel configures eth0 from {@code ip=}, busybox pings the gateway; the backend records
 *       each transmitted frame, answers the ARP request for the gateway with an ARP reply and the ICMP echo
 *       request with an echo reply, both injected through {@link NetDevice#receive}.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class QemuVsockNetTest {

    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String MUSL_GCC = "musl-gcc";
    private static final long GUEST_CID = 3;
    private static final int HOST_PORT = 5000;
    private static final int GUEST_PORT = 6000;
    private static final String HOST_REPLY = "reply-from-host";
    private static final String HOST_PING = "ping-from-host-0123456789";
    private static final byte[] GUEST_MAC = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    private static final byte[] GATEWAY_MAC = {0x52, 0x54, 0x00, 0x12, 0x35, 0x02};
    private static final byte[] GUEST_IP = {10, 0, 2, 15};
    private static final byte[] GATEWAY_IP = {10, 0, 2, 2};
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final Duration MARKER_WAIT = Duration.ofSeconds(60);
    private static final String INIT = """
            #!/bin/busybox sh
            /bin/busybox --install -s /bin
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            mount -t devtmpfs devtmpfs /dev
            echo "NET-ADDR $(ip -4 addr show dev eth0 | grep -o 'inet [0-9./]*')"
            if ping -c 1 -W 10 10.0.2.2; then echo "PING-OK"; else echo "PING-FAILED"; fi
            /bin/vsock_probe
            echo "VSOCK-EXIT $?"
            echo "CRUMBLE-DONE"
            reboot -f
            """;

    private final WatchedConsole console = new WatchedConsole();
    private final List<byte[]> transmitted = new CopyOnWriteArrayList<>();
    private final List<byte[]> injected = new CopyOnWriteArrayList<>();
    private final StringBuilder fromGuestOnHostPort = new StringBuilder();
    private final StringBuilder echoFromGuest = new StringBuilder();
    private final CompletableFuture<Integer> acceptedFromGuestPort = new CompletableFuture<>();
    private final CompletableFuture<Void> echoComplete = new CompletableFuture<>();
    private final CompletableFuture<Void> hostConnected = new CompletableFuture<>();
    private VsockDevice vsock;
    private NetDevice net;
    private QemuExit exit;

    @BeforeAll
    void boot(@TempDir final Path dir) throws Exception {
        HostRequirements.require(QemuEngine.isInstalled(), "QEMU is not installed (" + QemuEngine.INSTALL_HINT + ")");
        HostRequirements.require(Files.isExecutable(BUSYBOX), "/bin/busybox is missing (apt-get install busybox-static)");
        HostRequirements.require(onPath(MUSL_GCC), MUSL_GCC + " is not on PATH (apt-get install musl-tools)");
        final Path kernel = GuestKernel.bzImage();
        final byte[] probe = compileProbe(dir);

        vsock = new VsockDevice(GUEST_CID, (hostPort, guestPort) -> {
            if (hostPort != HOST_PORT) {
                return null;
            }
            acceptedFromGuestPort.complete(guestPort);
            return new ReplyingListener();
        });
        net = new NetDevice(new GatewayBackend(), GUEST_MAC);
        final QemuConfig config = QemuConfig.builder(kernel).memoryMiB(256).initramfs(initramfs(probe))
                .cmdline(List.of("ip=10.0.2.15::10.0.2.2:255.255.255.0::eth0:off"))
                .device(vsock).device(net).consoleOut(console).build();
        try (QemuMachine machine = QemuEngine.locate().boot(config)) {
            if (console.await("VSOCK-LISTENING " + GUEST_PORT, MARKER_WAIT, machine)) {
                final VsockConnection connection = vsock.connect(GUEST_PORT, new EchoListener());
                final ByteBuffer line = ByteBuffer.wrap((HOST_PING + "\n").getBytes(StandardCharsets.US_ASCII));
                while (line.hasRemaining()) {
                    assertTrue(connection.write(line) >= 0, "host write refused: " + connection.state());
                    if (line.hasRemaining()) {
                        Thread.sleep(10);
                    }
                }
                try {
                    echoComplete.get(MARKER_WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (final java.util.concurrent.TimeoutException e) {
                    // Reported by the assertions below, with the console.
                }
            }
            exit = machine.awaitExit(MARKER_WAIT);
        }
    }

    @Test
    void shouldExitCleanlyWhenTheGuestReboots() {
        assertTrue(exit.isClean(), exit.describe() + "\nconsole:\n" + console.text());
        assertTrue(console.text().contains("CRUMBLE-DONE"), console.text());
        assertEquals("0", marker("VSOCK-EXIT"));
    }

    @Test
    void shouldCarryAGuestConnectionToTheHostBothWays() throws Exception {
        assertTrue(acceptedFromGuestPort.isDone(), "the backend never saw the guest's request\n" + console.text());
        synchronized (fromGuestOnHostPort) {
            assertEquals("hello-from-guest\n", fromGuestOnHostPort.toString());
        }
        assertEquals(HOST_REPLY + ":hello-from-guest", marker("VSOCK-REPLY"));
    }

    @Test
    void shouldCarryAHostConnectionToTheGuestBothWays() {
        assertTrue(hostConnected.isDone(), "the guest never accepted the host's connection\n" + console.text());
        assertEquals("cid=2 " + HOST_PING, marker("VSOCK-ECHOED"));
        synchronized (echoFromGuest) {
            assertEquals(HOST_PING + "\n", echoFromGuest.toString(), console.text());
        }
        assertEquals(0, vsock.metrics().guestErrors());
    }

    @Test
    void shouldConfigureEth0WithOurMacFromTheKernelCommandLine() {
        assertEquals("inet 10.0.2.15/24", marker("NET-ADDR"));
        final byte[] first = transmitted.isEmpty() ? null : transmitted.get(0);
        assertNotNull(first, "the guest transmitted nothing\n" + console.text());
        assertArrayEquals(GUEST_MAC, Arrays.copyOfRange(first, 6, 12), "source MAC of the first frame");
    }

    @Test
    void shouldExchangeArpAndIcmpFramesWithTheGuest() {
        final byte[] arp = transmitted.stream().filter(QemuVsockNetTest::isArpRequestForGateway).findFirst()
                .orElse(null);
        assertNotNull(arp, "no ARP request for 10.0.2.2 among " + transmitted.size() + " frames\n" + console.text());
        assertArrayEquals(GUEST_IP, Arrays.copyOfRange(arp, 28, 32), "ARP sender IP");
        final byte[] icmp = transmitted.stream().filter(QemuVsockNetTest::isIcmpEchoToGateway).findFirst()
                .orElse(null);
        assertNotNull(icmp, "no ICMP echo request after our ARP reply\n" + console.text());
        assertEquals(1, icmp[14 + 9], "IPv4 protocol");
        assertArrayEquals(GATEWAY_IP, Arrays.copyOfRange(icmp, 30, 34), "IPv4 destination");
        assertArrayEquals(GATEWAY_MAC, Arrays.copyOfRange(icmp, 0, 6), "the guest used the MAC from our ARP reply");
        assertEquals(2, injected.size(), "injected frames: ARP reply and ICMP echo reply");
        assertTrue(console.text().contains("PING-OK"), "the guest did not receive our echo reply\n" + console.text());
        assertEquals(0, net.metrics().guestErrors());
    }

    /** Accepts the guest's connection on port 5000: reads one line and answers it. */
    private final class ReplyingListener implements VsockListener {
        @Override
        public void onReadable(final VsockConnection connection) {
            final ByteBuffer buffer = ByteBuffer.allocate(256);
            connection.read(buffer);
            final String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            synchronized (fromGuestOnHostPort) {
                fromGuestOnHostPort.append(text);
                if (fromGuestOnHostPort.toString().endsWith("\n")) {
                    final String line = fromGuestOnHostPort.toString().strip();
                    connection.write(ByteBuffer.wrap((HOST_REPLY + ":" + line + "\n")
                            .getBytes(StandardCharsets.US_ASCII)));
                    connection.shutdownOutput();
                }
            }
        }
    }

    /** The host's connection to the guest's port 6000: collects the echo. */
    private final class EchoListener implements VsockListener {
        @Override
        public void onConnected(final VsockConnection connection) {
            hostConnected.complete(null);
        }

        @Override
        public void onReadable(final VsockConnection connection) {
            final ByteBuffer buffer = ByteBuffer.allocate(256);
            connection.read(buffer);
            synchronized (echoFromGuest) {
                echoFromGuest.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                if (echoFromGuest.toString().endsWith("\n")) {
                    echoComplete.complete(null);
                    connection.close();
                }
            }
        }

        @Override
        public void onClosed(final VsockConnection connection) {
            echoComplete.complete(null);
        }
    }

    /** Records every frame; answers ARP for the gateway and ICMP echo requests to it, as a gateway would. */
    private final class GatewayBackend implements NetBackend {
        @Override
        public void send(final ByteBuffer frame) {
            final byte[] bytes = new byte[frame.remaining()];
            frame.duplicate().get(bytes);
            transmitted.add(bytes);
            final byte[] reply = isArpRequestForGateway(bytes) ? arpReply(bytes)
                    : isIcmpEchoToGateway(bytes) ? icmpEchoReply(bytes) : null;
            if (reply != null) {
                injected.add(reply);
                net.receive(ByteBuffer.wrap(reply));
            }
        }
    }

    private static boolean isArpRequestForGateway(final byte[] f) {
        return f.length >= 42 && u16(f, 12) == ETHERTYPE_ARP && u16(f, 14) == 1 && u16(f, 16) == ETHERTYPE_IPV4
                && u16(f, 20) == 1 && Arrays.equals(Arrays.copyOfRange(f, 38, 42), GATEWAY_IP);
    }

    private static boolean isIcmpEchoToGateway(final byte[] f) {
        if (f.length < 34 || u16(f, 12) != ETHERTYPE_IPV4 || (f[14] & 0xF0) != 0x40 || f[14 + 9] != 1
                || !Arrays.equals(Arrays.copyOfRange(f, 30, 34), GATEWAY_IP)) {
            return false;
        }
        final int icmp = 14 + (f[14] & 0x0F) * 4;
        return f.length > icmp + 8 && f[icmp] == 8;
    }

    /** An ARP reply (RFC 826) from the gateway to the requester, padded to Ethernet's 60-byte minimum. */
    private static byte[] arpReply(final byte[] request) {
        final ByteBuffer reply = ByteBuffer.allocate(60);
        reply.put(request, 6, 6).put(GATEWAY_MAC).putShort((short) ETHERTYPE_ARP);
        reply.putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4).putShort((short) 2);
        reply.put(GATEWAY_MAC).put(GATEWAY_IP);
        reply.put(request, 22, 6).put(request, 28, 4);
        return reply.array();
    }

    /** The echo request turned into its reply: addresses swapped, type 0, ICMP checksum recomputed. */
    private static byte[] icmpEchoReply(final byte[] request) {
        final int ihl = (request[14] & 0x0F) * 4;
        final int totalLength = u16(request, 16);
        final byte[] reply = Arrays.copyOf(request, 14 + totalLength);
        System.arraycopy(request, 6, reply, 0, 6);
        System.arraycopy(request, 0, reply, 6, 6);
        System.arraycopy(request, 30, reply, 26, 4);
        System.arraycopy(request, 26, reply, 30, 4);
        final int icmp = 14 + ihl;
        reply[icmp] = 0;
        reply[icmp + 2] = 0;
        reply[icmp + 3] = 0;
        final int sum = checksum(reply, icmp, 14 + totalLength - icmp);
        reply[icmp + 2] = (byte) (sum >>> 8);
        reply[icmp + 3] = (byte) sum;
        return reply;
    }

    /** The Internet checksum (RFC 1071). */
    private static int checksum(final byte[] b, final int offset, final int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            final int hi = b[offset + i] & 0xFF;
            final int lo = i + 1 < length ? b[offset + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private static int u16(final byte[] b, final int offset) {
        return ((b[offset] & 0xFF) << 8) | (b[offset + 1] & 0xFF);
    }

    /** Compiles {@code guest/vsock_probe.c} into a static binary with musl-gcc. */
    private static byte[] compileProbe(final Path dir) throws IOException, InterruptedException {
        final Path source = dir.resolve("vsock_probe.c");
        try (InputStream in = QemuVsockNetTest.class.getResourceAsStream("/guest/vsock_probe.c")) {
            assertNotNull(in, "guest/vsock_probe.c is not on the test class path");
            Files.write(source, in.readAllBytes());
        }
        final Path binary = dir.resolve("vsock_probe");
        final Process gcc = new ProcessBuilder(MUSL_GCC, "-static", "-Os", "-Wall", "-o", binary.toString(),
                source.toString()).redirectErrorStream(true).start();
        final String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS), "musl-gcc did not finish");
        assertEquals(0, gcc.exitValue(), "musl-gcc failed:\n" + output);
        return Files.readAllBytes(binary);
    }

    private static byte[] initramfs(final byte[] probe) throws IOException {
        return new InitramfsBuilder()
                .directory("bin", 0755).directory("proc", 0755).directory("sys", 0755).directory("dev", 0755)
                .charDevice("dev/console", 0600, 5, 1)
                .file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX))
                .file("bin/vsock_probe", 0755, probe)
                .file("init", 0755, INIT.getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    private static boolean onPath(final String command) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (final String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, command))) {
                return true;
            }
        }
        return false;
    }

    private String marker(final String name) {
        final String text = console.text();
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (.*?)\\r?$").matcher(text);
        assertTrue(matcher.find(), name + " missing from the console:\n" + text + "\n"
                + (exit == null ? "" : exit.describe()));
        return matcher.group(1).trim();
    }

    /** The serial console, kept in memory; a thread can wait for a line to appear. */
    private static final class WatchedConsole extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(final int b) {
            bytes.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(final byte[] b, final int off, final int len) {
            bytes.write(b, off, len);
            notifyAll();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Waits until {@code marker} is on the console; false if QEMU exits or the wait runs out first. */
        synchronized boolean await(final String marker, final Duration timeout, final QemuMachine machine)
                throws InterruptedException {
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (!text().contains(marker)) {
                final long left = deadline - System.nanoTime();
                if (left <= 0 || !machine.isAlive()) {
                    return false;
                }
                wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
            }
            return true;
        }
    }
}
