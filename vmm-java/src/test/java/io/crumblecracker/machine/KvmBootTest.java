package io.crumblecracker.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.initramfs.TinyInit;
import io.crumblecracker.testing.GuestKernel;
import io.crumblecracker.testing.HostRequirements;
import io.crumblecracker.vcpu.VcpuStop;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Our kernel, built by the project, booted by our VMM on the real {@code /dev/kvm} with a tiny
 * initramfs: one boot for the whole class (about 25 s where KVM emulates guest kernel mode).
 *
 * <p>On a host that emulates guest kernel mode the guest cannot run {@code /init}'s first system call,
 * so the proof ends at {@code Run /init}; elsewhere {@code /init} prints its greeting and reboots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class KvmBootTest {

    private static final long MEMORY_MIB = 192;
    private static final int VCPUS = 2;
    private static final String GREETING = "kvm-boot-test: init ran";

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private HostKvm host;
    private MachineExit exit;
    private BootWatcher watcher;

    @BeforeAll
    void boot() throws Exception {
        HostRequirements.requireKvm();
        host = HostKvm.probe();
        final MachineConfig config = MachineConfig.builder(GuestKernel.vmlinux()).memoryMiB(MEMORY_MIB).vcpus(VCPUS)
                .initramfs(TinyInit.initramfs(GREETING + "\n")).consoleOut(console).build();
        try (Machine machine = Machine.boot(config)) {
            exit = machine.awaitExit(Duration.ofMinutes(4));
            watcher = machine.bootWatcher();
        }
    }

    @Test
    void shouldReachInit() {
        assertTrue(exit.reachedInit(), "kernel did not reach /init; exit " + exit + "\n" + consoleText());
        assertTrue(consoleText().contains("Run /init as init process"));
    }

    @Test
    void shouldSeeTheMemoryThatWasAskedFor() {
        final long askedKiB = MEMORY_MIB * 1024;
        final long seen = watcher.memoryTotalKiB();
        // The kernel's total excludes the legacy hole below 1 MiB and the first page: within 1 MiB.
        assertTrue(seen <= askedKiB && seen > askedKiB - 1024,
                "kernel saw " + seen + "K of RAM, asked for " + askedKiB + "K\n" + consoleText());
    }

    @Test
    void shouldBringUpEveryVcpu() {
        assertEquals(VCPUS, watcher.cpusBroughtUp(), consoleText());
    }

    @Test
    void shouldEndTheWayThisHostAllows() {
        if (host.emulatedKernelMode()) {
            // /init's first syscall faults under PVM; the kernel panics and reboots (panic=-1, reboot=t).
            assertEquals(VcpuStop.Kind.SHUTDOWN, exit.reason(), exit.toString());
        } else {
            assertNull(exit.panic(), consoleText());
            assertTrue(consoleText().contains(GREETING), consoleText());
            assertTrue(exit.cleanGuestExit(), exit.toString());
        }
    }

    private String consoleText() {
        return console.toString(StandardCharsets.UTF_8);
    }
}
