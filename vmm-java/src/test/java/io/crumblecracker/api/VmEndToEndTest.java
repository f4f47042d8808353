package io.crumblecracker.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.engine.qemu.QemuEngine;
import io.crumblecracker.testing.BusyboxImage;
import io.crumblecracker.testing.GuestKernel;
import io.crumblecracker.testing.HostRequirements;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The public API end to end: a real kernel, our agent as /init, a busybox image on our virtio-blk, our
 * vsock device, all through the qemu engine (TCG on hosts whose KVM cannot run guest user mode). One VM
 * serves the non-destructive tests; tests that end a VM start their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class VmEndToEndTest {
    private Vm vm;
    private ImageSource image;

    @BeforeAll
    void boot() throws Exception {
        HostRequirements.require(QemuEngine.isInstalled(), "QEMU is not installed (" + QemuEngine.INSTALL_HINT + ")");
        GuestKernel.bzImage();
        image = BusyboxImage.source();
        vm = CrumbleCracker.run(image, Options.memoryMiB(256), Options.env("VM_VAR", "from-options"),
                Options.hostname("e2e-guest"));
    }

    @AfterAll
    void close() {
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void shouldRunCommandsAndReportExitCodes() throws Exception {
        assertEquals("hello\n", vm.command("echo", "hello").output());
        assertEquals(3, vm.command("sh", "-c", "exit 3").run().exitCode());
        final CommandFailedException failed = assertThrows(CommandFailedException.class,
                () -> vm.command("sh", "-c", "echo oops >&2; exit 5").output());
        assertEquals(5, failed.exitCode());
        assertTrue(failed.getMessage().contains("oops"), failed.getMessage());
        assertEquals("out\nerr\n", vm.command("sh", "-c", "echo out; echo err >&2").combinedOutput());
        assertEquals("piped", vm.command("cat").input("piped").output());
        final GuestProcessBuilder cat = vm.command("cat");
        assertEquals("", cat.run().stdout());
        final GuestProcess reused = cat.start();
        try (OutputStream in = reused.getOutputStream()) {
            in.write("after run".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("after run", new String(reused.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldSeeTheKernelHostnameAndContainerRoot() throws Exception {
        assertEquals("e2e-guest\n", vm.command("hostname").output());
        assertTrue(vm.command("uname", "-r").output().strip().endsWith("-crumble"));
        assertEquals("hello from the image\n", vm.command("cat", "/work/hello.txt").output());
        final String mounts = vm.command("cat", "/proc/mounts").output();
        assertTrue(mounts.contains("overlay / overlay"), mounts);
        assertTrue(mounts.contains("devpts /dev/pts"), mounts);
        assertEquals("/init", vm.command("cat", "/proc/1/cmdline").output().replace("\0", ""));
    }

    @Test
    void shouldSetTheGuestClockFromTheHost() throws Exception {
        final long guest = Long.parseLong(vm.command("date", "+%s").output().strip());
        final long host = java.time.Instant.now().getEpochSecond();
        assertTrue(Math.abs(host - guest) <= 5, "guest clock " + guest + " vs host " + host);
    }

    @Test
    void shouldReapOrphanedProcesses() throws Exception {
        vm.command("sh", "-c", "for i in 1 2 3 4 5; do sleep 0.1 & done; exit 0").output();
        Thread.sleep(1500);
        final String zombies = vm.command("sh", "-c", "for f in /proc/[0-9]*/stat; do read -r l < $f"
                + " && set -- $l && [ \"$3\" = Z ] && echo zombie $1 $2; done; true").output();
        assertEquals("", zombies);
    }

    @Test
    void shouldApplyImageAndOptionEnvironmentDirectoryAndUser() throws Exception {
        assertEquals("from-image from-options /work\n",
                vm.command("sh", "-c", "echo $IMAGE_VAR $VM_VAR $(pwd)").output());
        assertEquals("x /tmp\n", vm.command("sh", "-c", "echo $NEW $(pwd)").env("NEW", "x").directory("/tmp").output());
        assertEquals("uid=1000(tester) gid=1000(testers) groups=1000(testers),2000(extra)\n",
                vm.command("id").user("tester").output());
        assertEquals("/home/tester\n", vm.command("sh", "-c", "echo $HOME").user("tester").output());
        assertEquals("uid=65534(nobody) gid=2000(extra) groups=2000(extra)\n",
                vm.command("id").user("nobody:extra").output());
        assertEquals("uid=4242 gid=0(root) groups=0(root)\n", vm.command("id").user("4242").output());
    }

    @Test
    void shouldRunTheImageEntrypoint() throws Exception {
        assertEquals("entrypoint-default\n", vm.entrypoint().output());
        assertEquals("override\n", vm.entrypoint("echo", "override").output());
    }

    @Test
    void shouldStreamOneHundredMegabytesThroughCatIntact() throws Exception {
        final int size = 100 << 20;
        final GuestProcess cat = vm.command("cat").start();
        final MessageDigest sent = MessageDigest.getInstance("SHA-256");
        final CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            final Random random = new Random(1);
            final byte[] chunk = new byte[256 * 1024];
            try (OutputStream in = cat.getOutputStream()) {
                for (int done = 0; done < size; done += chunk.length) {
                    random.nextBytes(chunk);
                    sent.update(chunk);
                    in.write(chunk);
                }
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        final MessageDigest received = MessageDigest.getInstance("SHA-256");
        long total = 0;
        final byte[] buffer = new byte[64 * 1024];
        try (InputStream out = cat.getInputStream()) {
            for (int n; (n = out.read(buffer)) >= 0; ) {
                received.update(buffer, 0, n);
                total += n;
            }
        }
        writer.get(10, TimeUnit.SECONDS);
        assertEquals(size, total);
        assertArrayEquals(sent.digest(), received.digest());
        assertEquals(0, cat.waitFor());
    }

    @Test
    void shouldRunAnInteractiveShellOnATerminal() throws Exception {
        final GuestProcess sh = vm.command("sh").terminal(30, 100).start();
        final OutputStream in = sh.getOutputStream();
        in.write("stty size; echo MARK-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        final String seen = readUntil(sh.getInputStream(), "MARK-42");
        assertTrue(seen.contains("30 100"), seen);
        sh.resizeTerminal(40, 120);
        in.write("stty size; exit 7\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        assertTrue(readUntil(sh.getInputStream(), "40 120").contains("40 120"));
        assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
        assertEquals(7, sh.exitValue());
    }

    @Test
    void shouldDeliverSignalsThroughDestroy() throws Exception {
        final GuestProcess sleeper = vm.command("sleep", "1000").start();
        assertTrue(sleeper.isAlive());
        assertTrue(sleeper.pid() > 1);
        sleeper.destroy();
        assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS));
        assertEquals(128 + 15, sleeper.exitValue());
        assertEquals(15, sleeper.exitSignal().orElseThrow());
        final GuestProcess stubborn = vm.command("sh", "-c", "trap '' TERM; sleep 1000").start();
        assertTrue(stubborn.destroyForcibly().waitFor(30, TimeUnit.SECONDS));
        assertEquals(128 + 9, stubborn.exitValue());
        assertTrue(stubborn.onExit().isDone());
    }

    @Test
    void shouldTimeOutACommandAndKillIt() throws Exception {
        assertThrows(VmTimeoutException.class,
                () -> vm.command("sleep", "1001").timeout(Duration.ofSeconds(1)).run());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String ps = vm.command("ps").output();
        while (ps.contains("sleep 1001") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            ps = vm.command("ps").output();
        }
        assertFalse(ps.contains("sleep 1001"), ps);
    }

    @Test
    void shouldRunTwentyProcessesConcurrently() throws Exception {
        final List<CompletableFuture<String>> outputs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            final int n = i;
            outputs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return vm.command("sh", "-c", "sleep 1; echo p" + n).output();
                } catch (final Exception e) {
                    throw new IllegalStateException(e);
                }
            }, runnable -> Thread.ofVirtual().start(runnable)));
        }
        for (int i = 0; i < outputs.size(); i++) {
            assertEquals("p" + i + "\n", outputs.get(i).get(120, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldWalkEtcThroughTheFileSystemProvider() throws Exception {
        try (Stream<Path> walk = Files.walk(vm.path("/etc"))) {
            final List<String> names = walk.map(Path::toString).sorted().collect(Collectors.toList());
            assertTrue(names.containsAll(List.of("/etc", "/etc/passwd", "/etc/group", "/etc/hostname")), names.toString());
        }
        assertEquals("busybox-test\n", Files.readString(vm.path("/etc/hostname")));
        final PosixFileAttributes attributes = Files.readAttributes(vm.path("/etc/passwd"), PosixFileAttributes.class);
        assertTrue(attributes.isRegularFile());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(attributes.permissions()));
        assertTrue(Files.isDirectory(vm.path("/etc")));
        assertTrue(Files.isSymbolicLink(vm.path("/bin/sh")));
    }

    @Test
    void shouldWriteThenRandomlyReadAFiftyMegabyteFile() throws Exception {
        final Path file = vm.path("/tmp/fifty.bin");
        final byte[] data = new byte[50 << 20];
        new Random(5).nextBytes(data);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(data);
        }
        assertEquals(data.length, Files.size(file));
        final Random positions = new Random(9);
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ)) {
            for (int i = 0; i < 50; i++) {
                final int at = positions.nextInt(data.length - 4096);
                final ByteBuffer window = ByteBuffer.allocate(4096);
                channel.position(at);
                while (window.hasRemaining() && channel.read(window) > 0) {
                    // fill the window
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(data, at, at + 4096), window.array(), "at " + at);
            }
        }
        assertEquals(sha256(data), vm.command("sha256sum", "/tmp/fifty.bin").output().split(" ")[0]);
        Files.delete(file);
    }

    @Test
    void shouldShareFilesBetweenTheProviderAndProcesses() throws Exception {
        Files.createDirectories(vm.path("/code"));
        Files.writeString(vm.path("/code/x.sh"), "echo from-script $1\n");
        assertEquals("from-script arg\n", vm.command("sh", "/code/x.sh", "arg").output());
        vm.command("sh", "-c", "echo made-in-guest > /code/y.txt").output();
        assertEquals("made-in-guest\n", Files.readString(vm.path("/code/y.txt")));
    }

    @Test
    void shouldMapGuestErrorsToTheJdkExceptions() throws Exception {
        assertThrows(NoSuchFileException.class, () -> Files.readString(vm.path("/no/such/file")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(vm.path("/etc")));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(vm.path("/etc")));
        assertThrows(AccessDeniedException.class,
                () -> vm.fileSystem().provider().checkAccess(vm.path("/etc/passwd"), AccessMode.EXECUTE));
        assertThrows(InvalidPathException.class, () -> vm.path("/etc/pass\0wd"));
        assertEquals(Files.readString(vm.path("/etc/passwd")), Files.readString(vm.path("/etc/../etc/passwd")));
        assertEquals("busybox-test\n", Files.readString(vm.path("/../../../etc/hostname")));
        final IOException notFound = assertThrows(IOException.class, () -> vm.command("no-such-program").start());
        assertInstanceOf(NoSuchFileException.class, notFound);
        assertTrue(notFound.getMessage().contains("no-such-program"), notFound.getMessage());
        assertThrows(NoSuchFileException.class, () -> vm.command("true").directory("/no/such/dir").start());
        final IOException badUser = assertThrows(IOException.class, () -> vm.command("true").user("nosuchuser").start());
        assertTrue(badUser.getMessage().contains("nosuchuser"), badUser.getMessage());
    }

    @Test
    void shouldFailClearlyWhenTheGuestDiesMidWrite() throws Exception {
        final Vm doomed = CrumbleCracker.run(image);
        try {
            final CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
                final byte[] chunk = new byte[1 << 20];
                try (OutputStream out = Files.newOutputStream(doomed.path("/tmp/endless"))) {
                    while (true) {
                        out.write(chunk);
                    }
                } catch (final IOException e) {
                    return e;
                }
            }, runnable -> Thread.ofVirtual().start(runnable));
            Thread.sleep(500);
            doomed.command("reboot", "-f").start();
            final Throwable failure = writer.get(60, TimeUnit.SECONDS);
            assertInstanceOf(VmNotRunningException.class, failure, String.valueOf(failure));
            assertEquals(VmExit.Reason.GUEST, doomed.onExit().get(60, TimeUnit.SECONDS).reason());
            assertFalse(doomed.isRunning());
            assertThrows(VmNotRunningException.class, () -> doomed.command("true").run());
            assertThrows(VmNotRunningException.class, () -> Files.readString(doomed.path("/etc/hostname")));
        } finally {
            doomed.close();
        }
        assertThrows(VmClosedException.class, () -> doomed.command("true").run());
    }

    @Test
    void shouldEndAVmWhoseLifetimeExpires() throws Exception {
        final Vm shortLived = CrumbleCracker.run(image, Options.timeout(Duration.ofSeconds(3)));
        try {
            assertEquals("alive\n", shortLived.command("echo", "alive").output());
            final VmExit exit = shortLived.onExit().get(60, TimeUnit.SECONDS);
            assertEquals(VmExit.Reason.TIMEOUT, exit.reason());
            assertThrows(VmTimeoutException.class, () -> shortLived.command("true").run());
        } finally {
            shortLived.close();
        }
    }

    @Test
    void shouldCloseIdempotentlyAndRejectLaterUse() throws Exception {
        final Vm closing = CrumbleCracker.run(image);
        assertTrue(closing.isRunning());
        closing.close();
        closing.close();
        assertFalse(closing.isRunning());
        assertEquals(VmExit.Reason.CLOSED, closing.onExit().get(10, TimeUnit.SECONDS).reason());
        assertThrows(VmClosedException.class, () -> closing.command("true").start());
        assertThrows(java.nio.file.ClosedFileSystemException.class, () -> Files.readString(closing.path("/etc/hostname")));
    }

    private static String readUntil(final InputStream in, final String marker) throws IOException {
        final StringBuilder seen = new StringBuilder();
        final byte[] buffer = new byte[4096];
        while (!seen.toString().contains(marker)) {
            final int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    private static String sha256(final byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
