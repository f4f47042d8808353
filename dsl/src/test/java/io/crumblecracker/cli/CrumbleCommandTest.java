package io.crumblecracker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI's argument handling and exit codes, without booting anything. */
class CrumbleCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args) {
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return CrumbleCommand.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void shouldListSubcommandsAndExitCodesInHelp() {
        assertEquals(ExitCodes.OK, run("--help"));
        final String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.contains("doctor") && help.contains("boot"), help);
        assertTrue(help.contains("no hypervisor") && help.contains("Exit codes"), help);
    }

    @Test
    void shouldRejectAnUnknownSubcommandWithUsageExitCode() {
        assertEquals(ExitCodes.USAGE, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("frobnicate"));
    }

    @Test
    void shouldRejectABadMemorySizeWithAClearMessage() {
        assertEquals(ExitCodes.USAGE, run("boot", "--memory", "lots"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'lots' is not a memory size"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRejectTooLittleMemory() {
        assertEquals(ExitCodes.USAGE, run("boot", "--memory", "8M"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("too small"));
    }

    @Test
    void shouldRejectAnUnknownCompatibilityMode() {
        assertEquals(ExitCodes.USAGE, run("boot", "--kvm-compat", "sometimes"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not one of auto, on, off"));
    }

    @Test
    void shouldFailClearlyForAKernelFileThatIsNotAKernel() throws Exception {
        final java.nio.file.Path notKernel = java.nio.file.Files.createTempFile("not-a-kernel", ".bin");
        java.nio.file.Files.writeString(notKernel, "hello, I am not a kernel");
        io.crumblecracker.testing.HostRequirements.requireKvm();
        assertEquals(ExitCodes.FAILED, run("boot", "--kernel", notKernel.toString(), "--quiet"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("neither an ELF vmlinux nor a bzImage"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReportHostFactsFromDoctor() {
        final int code = run("doctor");
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("kvm:") && text.contains("qemu:") && text.contains("kernel:"), text);
        assertTrue(code == ExitCodes.OK || code == ExitCodes.NO_HYPERVISOR, "exit " + code);
    }
}
