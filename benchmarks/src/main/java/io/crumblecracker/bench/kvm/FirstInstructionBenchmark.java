package io.crumblecracker.bench.kvm;

import io.crumblecracker.kvm.ExitReason;
import io.crumblecracker.kvm.Kvm;
import io.crumblecracker.kvm.KvmVcpu;
import io.crumblecracker.kvm.KvmVm;
import io.crumblecracker.kvm.sys.Libc;
import io.crumblecracker.machine.KernelLocator;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time from the API call to the guest's first instruction: open {@code /dev/kvm}, create the VM, map
 * 256 MiB of RAM, create a vCPU, copy the kernel file ({@code vmlinux}) into RAM at 16 MiB, set the
 * registers and run until the first instruction (an {@code out}) exits. Teardown is not timed. The same steps
 * as {@code exit_bench first} in C, whose clock also stops at the first exit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 20)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class FirstInstructionBenchmark {

    private static final long RAM = 256L << 20;
    private static final long KERNEL_AT = 16L << 20;

    private Arena arena;
    private Kvm kvm;
    private KvmVm vm;
    private KvmVcpu vcpu;

    /** One cold VM from nothing to its first guest instruction (teardown is not timed, as in C). */
    @Benchmark
    public int firstInstruction() throws IOException {
        final Path kernel = KernelLocator.vmlinux().orElseThrow(() ->
                new IllegalStateException("no vmlinux at " + KernelLocator.directory() + ": run kernel/build.sh"));
        arena = Arena.ofShared();
        kvm = Kvm.open();
        vm = kvm.createVm();
        vm.setTssAddress(0xFFFB_D000L);
        final MemorySegment ram = Libc.mmap(RAM, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0, arena, "RAM");
        vm.setUserMemoryRegion(0, 0, ram);
        try (FileChannel file = FileChannel.open(kernel, StandardOpenOption.READ)) {
            final java.nio.ByteBuffer target = ram.asSlice(KERNEL_AT, file.size()).asByteBuffer();
            while (target.hasRemaining() && file.read(target) >= 0) {
                // keep reading
            }
        }
        ram.set(java.lang.foreign.ValueLayout.JAVA_BYTE, ExitGuests.CODE, (byte) 0xE6);
        ram.set(java.lang.foreign.ValueLayout.JAVA_BYTE, ExitGuests.CODE + 1, (byte) 0xF0);
        ram.set(java.lang.foreign.ValueLayout.JAVA_BYTE, ExitGuests.CODE + 2, (byte) 0xF4);
        vcpu = vm.createVcpu(0, arena);
        ExitGuests.reset(vcpu, arena);
        final int reason = vcpu.run();
        if (reason != ExitReason.IO) {
            throw new IllegalStateException("first exit was " + ExitReason.name(reason));
        }
        return reason;
    }

    /** Frees the VM outside the timed region. */
    @TearDown(Level.Invocation)
    public void tearDown() {
        vcpu.close();
        vm.close();
        kvm.close();
        arena.close();
    }
}
