package io.crumblecracker.bench.kvm;

import io.crumblecracker.bus.BusRange;
import io.crumblecracker.bus.IoBus;
import io.crumblecracker.bus.MmioDevice;
import io.crumblecracker.bus.PioDevice;
import io.crumblecracker.kvm.Kvm;
import io.crumblecracker.kvm.KvmVcpu;
import io.crumblecracker.kvm.KvmVm;
import io.crumblecracker.kvm.sys.Libc;
import io.crumblecracker.vcpu.VcpuLoop;
import io.crumblecracker.vcpu.VcpuStop;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One guest exit's round trip through the Java VMM: {@code KVM_RUN} returns, {@link VcpuLoop}
 * dispatches the port write or MMIO write to a device on the bus, and re-enters the guest. Reported per
 * exit. Compare with {@code exit_bench exits pio|mmio} (C, raw ioctls) via
 * {@code benchmarks/kvm-exit-comparison.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(ExitRoundTripBenchmark.EXITS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ExitRoundTripBenchmark {

    /** Exits per benchmark invocation. */
    static final int EXITS = 20_000;

    @Param({"pio", "mmio"})
    private String kind;

    private Arena arena;
    private Kvm kvm;
    private KvmVm vm;
    private KvmVcpu vcpu;
    private final IoBus<PioDevice> pio = new IoBus<>();
    private final IoBus<MmioDevice> mmio = new IoBus<>();
    private long writes;

    /** Builds the VM, loads the loop and attaches counting devices. */
    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        kvm = Kvm.open();
        vm = kvm.createVm();
        vm.setTssAddress(0xFFFB_D000L);
        final MemorySegment ram = Libc.mmap(0x10000, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, arena, "bench RAM");
        vm.setUserMemoryRegion(0, 0, ram);
        ExitGuests.load(ram, "mmio".equals(kind), EXITS);
        vcpu = vm.createVcpu(0, arena);
        pio.register(new BusRange(ExitGuests.PORT, 1), new PioDevice() {
            @Override
            public int read(final int offset, final int size) {
                return 0;
            }

            @Override
            public void write(final int offset, final int size, final int value) {
                writes += value;
            }
        });
        mmio.register(new BusRange(ExitGuests.MMIO_ADDRESS, 8), new MmioDevice() {
            @Override
            public long read(final long offset, final int size) {
                return 0;
            }

            @Override
            public void write(final long offset, final int size, final long value) {
                writes += value;
            }
        });
    }

    /** Runs the guest loop to its {@code hlt}: {@link #EXITS} exits. */
    @Benchmark
    public long exits() {
        ExitGuests.reset(vcpu, arena);
        final VcpuStop[] stop = new VcpuStop[1];
        new VcpuLoop(vcpu, pio, mmio, (v, s) -> stop[0] = s).run();
        if (stop[0].kind() != VcpuStop.Kind.HALTED) {
            throw new IllegalStateException("guest did not halt: " + stop[0]);
        }
        return writes;
    }

    /** Frees the VM. */
    @TearDown(Level.Trial)
    public void tearDown() {
        vcpu.close();
        vm.close();
        kvm.close();
        arena.close();
    }
}
