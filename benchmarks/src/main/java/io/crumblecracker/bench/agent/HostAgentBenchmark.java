package io.crumblecracker.bench.agent;

import io.crumblecracker.agent.AgentClient;
import io.crumblecracker.agent.ExecRequest;
import io.crumblecracker.agent.ExecSession;
import io.crumblecracker.agent.GuestFileHandle;
import io.crumblecracker.agent.OpenFlags;
import io.crumblecracker.testing.HostAgent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The agent protocol's own cost, with no VM: the real agent binary runs as a host process on a UNIX
 * socket ({@link HostAgent}) and the real client drives it. {@code execTrue} is a whole process round trip
 * (connect, handshake, EXEC, the agent's fork + exec of {@code /bin/true}, STARTED, EXIT, EOF); the goal
 * is under 100 µs. {@code ping} is one request/reply on a pooled connection. {@code pread1MiB} moves
 * 1 MiB from a page-cached file per op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class HostAgentBenchmark {
    private static final ExecRequest TRUE = new ExecRequest(List.of("/bin/true"), List.of(), "", "", false, false,
            false, 0, 0);

    private HostAgent agent;
    private AgentClient client;
    private GuestFileHandle file;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);

    @Setup(Level.Trial)
    public void start() throws Exception {
        agent = HostAgent.start();
        client = agent.client();
        final java.nio.file.Path data = agent.directory().resolve("data");
        Files.write(data, new byte[1 << 20]);
        file = client.files().open(data.toString(), OpenFlags.READ, 0);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        file.close();
        client.close();
        agent.close();
    }

    @Benchmark
    public int execTrue() throws Exception {
        try (ExecSession session = client.exec(TRUE)) {
            session.stdout().transferTo(java.io.OutputStream.nullOutputStream());
            return session.exit().get().code();
        }
    }

    @Benchmark
    public void ping() throws IOException {
        client.ping();
    }

    @Benchmark
    public int pread1MiB() throws IOException {
        buffer.clear();
        int total = 0;
        while (buffer.hasRemaining()) {
            total += file.read(total, buffer);
        }
        return total;
    }
}
