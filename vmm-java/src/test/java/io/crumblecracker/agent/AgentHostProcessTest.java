package io.crumblecracker.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.testing.HostAgent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The protocol end to end against the real agent binary running as a host process on a UNIX socket
 * (docs/agent-protocol.md): processes, streams with windows, terminals, signals, files, and malformed
 * input. The same client code drives agents in VMs over vsock (see {@code VmEndToEndTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class AgentHostProcessTest {
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int ENOTEMPTY = 39;

    private HostAgent agent;
    private AgentClient client;

    @BeforeAll
    void start() throws Exception {
        agent = HostAgent.start();
        client = agent.client();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void shouldRunAProcessAndReturnItsOutputAndExitCode() throws Exception {
        final Result r = run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), false);
        assertEquals("out\n", r.stdout);
        assertEquals("err\n", r.stderr);
        assertEquals(new ExitStatus(3, 0), r.status);
    }

    @Test
    void shouldMergeStderrIntoStdout() throws Exception {
        final Result r = run(List.of("sh", "-c", "echo a; echo b >&2; echo c"), true);
        assertEquals("a\nb\nc\n", r.stdout);
        assertEquals("", r.stderr);
    }

    @Test
    void shouldPassEnvironmentAndDirectory() throws Exception {
        final ExecSession s = client.exec(new ExecRequest(List.of("sh", "-c", "echo $FOO; pwd"),
                List.of("FOO=bar baz", "PATH=/usr/bin:/bin"), "/tmp", "", false, false, false, 0, 0));
        assertEquals("bar baz\n/tmp\n", new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, s.exit().get(10, TimeUnit.SECONDS).code());
    }

    @Test
    void shouldReportAProgramThatDoesNotExist() {
        final AgentException e = assertThrows(AgentException.class, () -> client.exec(request("no-such-program-x")));
        assertEquals(ENOENT, e.errno());
        assertTrue(e.getMessage().contains("no-such-program-x"), e.getMessage());
    }

    @Test
    void shouldReportAMissingWorkingDirectory() {
        final AgentException e = assertThrows(AgentException.class, () -> client.exec(new ExecRequest(
                List.of("true"), List.of(), "/no/such/dir", "", false, false, false, 0, 0)));
        assertEquals(ENOENT, e.errno());
        assertTrue(e.getMessage().contains("/no/such/dir"), e.getMessage());
    }

    @Test
    void shouldStreamStdinThroughCatWithBothWindowsHonoured() throws Exception {
        final byte[] data = new byte[24 << 20];
        new Random(42).nextBytes(data);
        final ExecSession s = client.exec(new ExecRequest(List.of("cat"), List.of(), "", "", false, true, false, 0,
                0));
        final CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (OutputStream in = s.stdin()) {
                for (int off = 0; off < data.length; off += 100_000) {
                    in.write(data, off, Math.min(100_000, data.length - off));
                }
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        final byte[] buffer = new byte[8192];
        long total = 0;
        for (int n; (n = s.stdout().read(buffer)) >= 0; ) {
            digest.update(buffer, 0, n);
            total += n;
        }
        writer.get(60, TimeUnit.SECONDS);
        assertEquals(data.length, total);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), digest.digest());
        assertEquals(0, s.exit().get(10, TimeUnit.SECONDS).code());
    }

    @Test
    void shouldRunOnATerminalOfTheRequestedSize() throws Exception {
        final ExecSession s = client.exec(new ExecRequest(List.of("sh", "-c", "stty size; tty"), List.of(), "",
                "", true, true, false, 30, 100));
        final String out = new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.startsWith("30 100\r\n"), out);
        assertTrue(out.contains("/dev/pts/"), out);
        assertEquals(0, s.exit().get(10, TimeUnit.SECONDS).code());
    }

    @Test
    void shouldDeliverASignal() throws Exception {
        final ExecSession s = client.exec(request("sleep", "100"));
        s.signal(15);
        assertEquals(new ExitStatus(-1, 15), s.exit().get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldKillByPidFromAnotherConnection() throws Exception {
        final ExecSession s = client.exec(request("sleep", "100"));
        client.kill(s.pid(), 9);
        assertEquals(new ExitStatus(-1, 9), s.exit().get(10, TimeUnit.SECONDS));
    }

    @Test
    void shouldKillTheProcessWhenTheHostClosesItsConnection() throws Exception {
        final ExecSession s = client.exec(request("sleep", "100"));
        final Path proc = Path.of("/proc", Integer.toString(s.pid()));
        assertTrue(Files.exists(proc));
        s.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(proc) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(Files.exists(proc), "process " + s.pid() + " survived its connection");
    }

    @Test
    void shouldRunTwentyProcessesAtOnce() throws Exception {
        final List<ExecSession> sessions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sessions.add(client.exec(request("sh", "-c", "sleep 0.2; echo " + "p" + i)));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals("p" + i + "\n", new String(sessions.get(i).stdout().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, sessions.get(i).exit().get(10, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void shouldReadAndWriteFilesAtOffsets() throws Exception {
        final String path = agent.directory().resolve("data.bin").toString();
        final GuestFileOperations files = client.files();
        try (GuestFileHandle h = files.open(path, OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE
                | OpenFlags.EXCL, 0640)) {
            final byte[] big = new byte[3 << 20];
            new Random(7).nextBytes(big);
            assertEquals(big.length, h.write(0, ByteBuffer.wrap(big)));
            assertEquals(5, h.write(1_000_000, ByteBuffer.wrap("HELLO".getBytes(StandardCharsets.US_ASCII))));
            final ByteBuffer five = ByteBuffer.allocate(5);
            assertEquals(5, h.read(1_000_000, five));
            assertEquals("HELLO", new String(five.array(), StandardCharsets.US_ASCII));
            assertEquals(big.length, h.stat().size());
            assertEquals(-1, h.read(big.length, ByteBuffer.allocate(10)));
            h.truncate(10);
            assertEquals(10, h.stat().size());
            h.sync();
        }
        final GuestStat stat = files.stat(path, true);
        assertTrue(stat.isRegularFile());
        assertEquals(0640, stat.permissions());
        final AgentException exists = assertThrows(AgentException.class, () -> files.open(path,
                OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.EXCL, 0600));
        assertEquals(EEXIST, exists.errno());
    }

    @Test
    void shouldListADirectoryLargerThanOneFrame() throws Exception {
        final Path dir = Files.createDirectory(agent.directory().resolve("many"));
        for (int i = 0; i < 5000; i++) {
            Files.createFile(dir.resolve("a-fairly-long-file-name-to-fill-frames-" + i));
        }
        final List<GuestDirEntry> entries = client.files().readDirectory(dir.toString());
        assertEquals(5000, entries.size());
        assertTrue(entries.stream().allMatch(e -> e.type() == GuestDirEntry.DT_REG));
    }

    @Test
    void shouldReportFileErrorsWithTheirErrno() throws Exception {
        final GuestFileOperations files = client.files();
        final String dir = agent.directory().resolve("full").toString();
        files.createDirectory(dir, 0755);
        files.createDirectory(dir + "/child", 0755);
        assertEquals(ENOTEMPTY, assertThrows(AgentException.class, () -> files.remove(dir)).errno());
        assertEquals(ENOENT, assertThrows(AgentException.class, () -> files.stat("/no/such", true)).errno());
        files.createSymbolicLink("child", dir + "/link");
        assertEquals("child", files.readSymbolicLink(dir + "/link"));
        assertTrue(files.stat(dir + "/link", false).isSymbolicLink());
        assertTrue(files.stat(dir + "/link", true).isDirectory());
        files.rename(dir + "/child", dir + "/moved", true);
        files.remove(dir + "/moved");
        files.remove(dir + "/link");
        files.remove(dir);
    }

    @Test
    void shouldSurviveMalformedFramesOnOtherConnections() throws Exception {
        final List<byte[]> garbage = List.of(
                frame(0x0001, 0, new byte[0]),                       // HELLO with a short body
                header(Integer.MAX_VALUE, 0x0001, 0),                 // length beyond MAX_BODY
                header(8, 0x0001, 7),                                 // reserved != 0
                new byte[] {1, 2, 3},                                 // a truncated header
                frame(0x7777, 0, new byte[12]));                      // an unknown type
        for (final byte[] bytes : garbage) {
            try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                raw.connect(UnixDomainSocketAddress.of(agent.socket()));
                raw.write(ByteBuffer.wrap(bytes));
                raw.shutdownOutput();
                final ByteArrayOutputStream answer = new ByteArrayOutputStream();
                try (InputStream in = java.nio.channels.Channels.newInputStream(raw)) {
                    in.transferTo(answer);
                }
            }
        }
        client.ping();
        assertTrue(agent.isAlive());
    }

    private ExecRequest request(final String... argv) {
        return new ExecRequest(List.of(argv), List.of("PATH=/usr/bin:/bin"), "", "", false, false, false, 0, 0);
    }

    private Result run(final List<String> argv, final boolean merge) throws Exception {
        final ExecSession s = client.exec(new ExecRequest(argv, List.of("PATH=/usr/bin:/bin"), "", "", false, false,
                merge, 0, 0));
        final CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return s.stderr().readAllBytes();
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        final String out = new String(s.stdout().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(out, new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
                s.exit().get(10, TimeUnit.SECONDS));
    }

    private static byte[] header(final int length, final int type, final int reserved) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(length).putShort((short) type)
                .putShort((short) reserved).array();
    }

    private static byte[] frame(final int type, final int reserved, final byte[] body) {
        final ByteBuffer b = ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(header(body.length, type, reserved)).put(body);
        return b.array();
    }

    private record Result(String stdout, String stderr, ExitStatus status) {
    }
}
