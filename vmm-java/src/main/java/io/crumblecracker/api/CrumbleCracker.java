package io.crumblecracker.api;

import io.crumblecracker.runtime.VmLauncher;

/**
 * Starts VMs: each runs one container image in its own Linux kernel, with our own devices, and is driven
 * through the JDK's abstractions ({@link Process}, {@code java.nio.file}).
 *
 * <pre>{@code
 * try (Vm vm = CrumbleCracker.run(image, Options.memoryMiB(256))) {
 *     System.out.println(vm.command("uname", "-a").output());
 * }
 * }</pre>
 */
public final class CrumbleCracker {

    private CrumbleCracker() {
    }

    /**
     * Boots a VM for {@code image} and waits until its agent is ready (container root built, processes can
     * start).
     *
     * @param image   what to run
     * @param options how; combined left to right (later ones win)
     * @throws HypervisorUnavailableException if no engine can run VMs on this host
     * @throws VmTimeoutException if it was not ready within {@link Options#bootTimeout}
     * @throws VmException if it could not be built or stopped while starting (the message has the console)
     */
    public static Vm run(final ImageSource image, final Options... options) throws VmException {
        final Options merged = Options.of(options);
        return new Vm(VmLauncher.launch(image, merged), image.config(), merged);
    }
}
