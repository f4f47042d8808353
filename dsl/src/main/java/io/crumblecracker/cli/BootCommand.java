package io.crumblecracker.cli;

import io.crumblecracker.api.VmException;
import io.crumblecracker.api.VmTimeoutException;
import io.crumblecracker.loader.initramfs.TinyInit;
import io.crumblecracker.machine.HostKvm;
import io.crumblecracker.machine.KernelLocator;
import io.crumblecracker.machine.KvmCompatibility;
import io.crumblecracker.machine.Machine;
import io.crumblecracker.machine.MachineConfig;
import io.crumblecracker.machine.MachineExit;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crumble boot}: boots a Linux kernel on the KVM engine and streams its serial console. With no
 * arguments it boots the project's kernel with a tiny built-in initramfs whose {@code /init} prints a
 * greeting and reboots.
 */
@Command(name = "boot", mixinStandardHelpOptions = true,
        description = {"Boot a Linux kernel on the KVM engine and stream its serial console.",
            "Exits 0 when the guest's /init ran to its end, or — on a host whose KVM emulates guest kernel mode,"
                + " where user mode cannot run — when the kernel reached /init."})
final class BootCommand implements Callable<Integer> {

    static final String GREETING = "crumble-init: hello from the guest's /init\n";

    @Option(names = "--kernel", paramLabel = "FILE", description = "vmlinux (ELF) or bzImage. Default: the built kernel.")
    private Path kernel;

    @Option(names = "--initramfs", paramLabel = "FILE", description = "newc cpio archive. Default: built-in /init.")
    private Path initramfs;

    @Option(names = "--append", paramLabel = "PARAM", description = "Extra kernel command-line parameter (repeatable).")
    private List<String> append = new ArrayList<>();

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", defaultValue = "256M",
            converter = MemorySizeConverter.class, description = "Guest RAM, e.g. 256M or 1G (default ${DEFAULT-VALUE}).")
    private long memoryMiB;

    @Option(names = {"-c", "--cpus"}, paramLabel = "N", defaultValue = "1", description = "vCPUs, 1-64 (default ${DEFAULT-VALUE}).")
    private int cpus;

    @Option(names = "--kvm-compat", paramLabel = "MODE", defaultValue = "AUTO", description = "PVM compatibility"
            + " command line: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: on where KVM emulates kernel mode).",
            converter = CompatConverter.class)
    private KvmCompatibility.Mode compat;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default: 180 on"
            + " emulated-kernel-mode hosts, 30 elsewhere).")
    private Integer timeoutSeconds;

    @Option(names = {"-q", "--quiet"}, description = "Do not stream the console.")
    private boolean quiet;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws VmException, IOException, InterruptedException {
        final HostKvm host = HostKvm.probe();
        host.requireUsable();
        final Path kernelPath = kernel != null ? kernel : KernelLocator.vmlinux().orElseThrow(() ->
                new VmException("no guest kernel at " + KernelLocator.directory() + ": run kernel/build.sh"));
        final byte[] archive = initramfs != null ? Files.readAllBytes(initramfs) : TinyInit.initramfs(GREETING);
        final MachineConfig config = MachineConfig.builder(kernelPath).memoryMiB(memoryMiB).vcpus(cpus)
                .initramfs(archive).cmdline(append).compatibility(compat)
                .consoleOut(quiet ? OutputStream.nullOutputStream() : System.out).build();
        final Duration timeout = timeoutSeconds != null ? Duration.ofSeconds(timeoutSeconds)
                : MachineConfig.defaultBootTimeout(host);
        final PrintStream err = System.err;
        final long start = System.nanoTime();
        try (Machine machine = Machine.boot(config)) {
            final MachineExit exit = awaitOrStop(machine, timeout, host);
            final double seconds = (System.nanoTime() - start) / 1e9;
            return report(exit, host, seconds, err);
        }
    }

    private MachineExit awaitOrStop(final Machine machine, final Duration timeout, final HostKvm host)
            throws VmTimeoutException, InterruptedException {
        try {
            return machine.awaitExit(timeout);
        } catch (final VmTimeoutException e) {
            machine.stop();
            final MachineExit stopped = machine.awaitExit(Duration.ofSeconds(10));
            if (host.emulatedKernelMode() && stopped.reachedInit()) {
                return stopped;
            }
            throw new VmTimeoutException(e.getMessage() + " and had not finished booting; " + stopped.detail());
        }
    }

    private int report(final MachineExit exit, final HostKvm host, final double seconds, final PrintStream err) {
        final String sizes = memoryMiB + " MiB, " + cpus + " vCPU" + (cpus == 1 ? "" : "s");
        if (exit.reachedInit() && host.emulatedKernelMode()) {
            err.printf("crumble: the guest kernel reached /init in %.1f s (%s). This host's KVM emulates guest kernel"
                    + " mode, so guest user mode cannot run here; on a KVM host /init would run.%n", seconds, sizes);
            return ExitCodes.OK;
        }
        if (exit.reachedInit() && exit.cleanGuestExit()) {
            err.printf("crumble: the guest's /init ran and the guest rebooted in %.1f s (%s).%n", seconds, sizes);
            return ExitCodes.OK;
        }
        err.printf("crumble: the guest did not finish booting: %s%s%n", exit.detail(),
                exit.panic() == null ? "" : "; " + exit.panic());
        return ExitCodes.FAILED;
    }

    /** Case-insensitive parsing of the compatibility mode. */
    static final class CompatConverter implements CommandLine.ITypeConverter<KvmCompatibility.Mode> {
        @Override
        public KvmCompatibility.Mode convert(final String value) {
            try {
                return KvmCompatibility.Mode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (final IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not one of auto, on, off");
            }
        }
    }
}
