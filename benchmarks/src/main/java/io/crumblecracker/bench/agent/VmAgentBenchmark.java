package io.crumblecracker.bench.agent;

import io.crumblecracker.api.CrumbleCracker;
import io.crumblecracker.api.Options;
import io.crumblecracker.api.Vm;
import io.crumblecracker.testing.BusyboxImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The public API against a running VM (engine chosen by {@code Engine.AUTO}: on hosts whose KVM cannot
 * run guest user mode that is QEMU's TCG, which dominates every number): a process round trip of
 * {@code true}, and writing then reading a 16 MiB file through {@code java.nio.file} (one op = 16 MiB;
 * MB/s = 16.8 / seconds per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class VmAgentBenchmark {
    private static final int FILE_BYTES = 16 << 20;

    private Vm vm;
    private Path file;
    private final byte[] chunk = new byte[1 << 20];

    @Setup(Level.Trial)
    public void boot() throws Exception {
        vm = CrumbleCracker.run(BusyboxImage.source(), Options.memoryMiB(256));
        file = vm.path("/tmp/bench.bin");
        writeFile();
    }

    @TearDown(Level.Trial)
    public void close() {
        vm.close();
    }

    @Benchmark
    public int execTrue() throws Exception {
        return vm.command("/bin/true").run().exitCode();
    }

    @Benchmark
    public void writeFile16MiB() throws IOException {
        writeFile();
    }

    @Benchmark
    public long readFile16MiB() throws IOException {
        long total = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(chunk)) >= 0; ) {
                total += n;
            }
        }
        return total;
    }

    private void writeFile() throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < FILE_BYTES / chunk.length; i++) {
                out.write(chunk);
            }
        }
    }
}
