package io.crumblecracker.cli;

import io.crumblecracker.machine.HostKvm;
import io.crumblecracker.machine.KernelLocator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code crumble doctor}: what this host can do, and what to install or fix. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Report what this host can do: KVM, emulated kernel mode, QEMU, the guest kernel cache.")
final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final HostKvm kvm = HostKvm.probe();
        out.println("kvm:        " + (kvm.usable() ? "usable (/dev/kvm, recommended vCPUs " + kvm.recommendedVcpus()
                + ", max " + kvm.maxVcpus() + ")" : "NOT usable: " + kvm.problem()));
        if (kvm.emulatedKernelMode()) {
            out.println("kvm mode:   EMULATED guest kernel mode (PVM): guests boot with a compatibility command"
                    + " line, up to /init; guest user mode cannot run here — use the qemu engine for full guests");
        } else {
            out.println("kvm mode:   native (guest kernel and user mode run on the CPU)");
        }
        out.println("qemu:       " + qemuVersion());
        out.println("kernel:     " + kernelState());
        out.println("engine:     " + (kvm.usable() && !kvm.emulatedKernelMode() ? "kvm (full guests)"
                : kvm.usable() ? "kvm boots to /init; qemu runs full guests" : "qemu only"));
        return kvm.usable() ? ExitCodes.OK : ExitCodes.NO_HYPERVISOR;
    }

    private static String kernelState() {
        final Path dir = KernelLocator.directory();
        if (KernelLocator.vmlinux().isPresent() && KernelLocator.bzImage().isPresent()) {
            return "built at " + resolved(dir);
        }
        return "not built yet (" + dir + "): run kernel/build.sh, or any 'bin/crumble boot', which builds it";
    }

    private static String resolved(final Path dir) {
        try {
            return dir.toRealPath().toString();
        } catch (final java.io.IOException e) {
            return dir.toString();
        }
    }

    private static String qemuVersion() {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            final Path qemu = Path.of(dir, "qemu-system-x86_64");
            if (Files.isExecutable(qemu)) {
                return firstLine(qemu) + " (" + qemu + ")";
            }
        }
        return "not installed (apt-get install qemu-system-x86)";
    }

    private static String firstLine(final Path qemu) {
        try {
            final Process process = new ProcessBuilder(qemu.toString(), "--version").redirectErrorStream(true).start();
            final String text = new String(process.getInputStream().readAllBytes()).lines().findFirst().orElse("");
            process.waitFor(10, TimeUnit.SECONDS);
            return text.isBlank() ? "present" : text.trim();
        } catch (final java.io.IOException e) {
            return "present but did not run: " + e.getMessage();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "present";
        }
    }
}
