package io.crumblecracker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code crumble} command line. Subcommands build public-API objects and report; exit codes are
 * listed in {@link ExitCodes}.
 */
@Command(name = "crumble", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run Linux guests and OCI images in lightweight VMs from Java.",
        subcommands = {DoctorCommand.class, BootCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the guest or the command failed",
            "2:bad arguments",
            "3:no hypervisor: /dev/kvm missing or not accessible",
            "4:timed out"})
public final class CrumbleCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the CLI and exits the JVM with the command's exit code. */
    public static void main(final String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (for tests). */
    public static int execute(final String... args) {
        return new CommandLine(new CrumbleCommand())
                .setExitCodeExceptionMapper(ExitCodes::forException)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("crumble: " + e.getMessage());
                    return ExitCodes.forException(e);
                })
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
