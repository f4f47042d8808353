package io.crumblecracker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.machine.HostKvm;
import io.crumblecracker.runtime.VmLauncher;
import io.crumblecracker.testing.BusyboxImage;
import io.crumblecracker.testing.GuestKernel;
import io.crumblecracker.testing.HostRequirements;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The public API on the kvm engine: our VMM on {@code /dev/kvm} boots the kernel with the agent's
 * initramfs, the image on our virtio-blk and our vsock device. Where KVM runs guest user mode the VM
 * becomes ready and runs a process; on hosts whose KVM emulates kernel mode and cannot run user mode (PVM,
 * see ENVIRONMENT.md) the guest gets as far as starting {@code /init} (the agent), which is asserted from
 * the kernel log, and the start fails with a clear error.
 */
class KvmEngineAgentBootTest {

    @Test
    @Timeout(400)
    void shouldBootTheAgentOnTheKvmEngine() throws Exception {
        HostRequirements.requireKvm();
        GuestKernel.vmlinux();
        final ImageSource image = BusyboxImage.source();
        final HostKvm host = HostKvm.probe();
        if (host.usable() && !host.emulatedKernelMode()) {
            try (Vm vm = CrumbleCracker.run(image, Options.engine(Engine.KVM))) {
                assertTrue(vm.engine().startsWith("engine kvm"), vm.engine());
                assertEquals("hello\n", vm.command("echo", "hello").output());
            }
            return;
        }
        assertThrows(HypervisorUnavailableException.class,
                () -> CrumbleCracker.run(image, Options.engine(Engine.KVM)));
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final String previous = System.setProperty(VmLauncher.ALLOW_EMULATED_KVM, "true");
        try {
            final VmException stopped = assertThrows(VmException.class, () -> CrumbleCracker.run(image,
                    Options.engine(Engine.KVM), Options.kernelLog(log), Options.bootTimeout(Duration.ofSeconds(300))));
            final String console;
            synchronized (log) {
                console = log.toString(StandardCharsets.UTF_8);
            }
            assertTrue(console.contains("[vda]"), "our virtio-blk was not found\n" + console);
            assertTrue(console.contains("Run /init as init process"), "the agent was not started\n" + console);
            assertTrue(stopped.getMessage().contains("stopped during start-up"), stopped.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(VmLauncher.ALLOW_EMULATED_KVM);
            } else {
                System.setProperty(VmLauncher.ALLOW_EMULATED_KVM, previous);
            }
        }
    }
}
