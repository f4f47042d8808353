package io.crumblecracker.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crumblecracker.loader.boot.E820Map;
import io.crumblecracker.loader.boot.E820Type;
import io.crumblecracker.loader.boot.KernelCmdline;
import io.crumblecracker.loader.initramfs.TinyInit;
import io.crumblecracker.loader.kernel.TestKernels;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loads the project's own kernel build (vmlinux and bzImage) with TinyInit into 256 MiB of heap-backed
 * guest memory. Skipped when no kernel has been built, except under {@code CI=true}.
 */
class RealKernelBootTest {

    private static final long RAM = 256L << 20;
    private static final Path DIR = Path.of(System.getProperty("user.home"), ".cache", "crumblecracker", "kernel",
            "current");

    @ParameterizedTest
    @ValueSource(strings = {"vmlinux", "bzImage"})
    void shouldLoadRealKernelWithTinyInit(final String name) {
        final Path kernel = DIR.resolve(name);
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(Files.isRegularFile(kernel), "no kernel built at " + kernel);
        }
        final GuestMemory memory = TestKernels.memory(RAM);

        final BootInfo boot = LinuxBoot.into(memory, BootLayout.x86Default())
                .kernel(kernel)
                .initramfs(TinyInit.initramfs("hello\n"))
                .cmdline(KernelCmdline.parse("console=ttyS0 reboot=k panic=-1"))
                .e820(new E820Map().add(0, 0x9_fc00, E820Type.RAM).add(0x10_0000, RAM - 0x10_0000, E820Type.RAM))
                .load();

        final long entryOffset = "bzImage".equals(name) ? 0x200 : 0;
        assertEquals(GuestAddress.of(0x100_0000 + entryOffset), boot.entryPoint());
        assertEquals(GuestAddress.of(RAM - 4096), boot.initramfs().orElseThrow().start());
        assertTrue(boot.kernel().end().value() < RAM / 2, "kernel ends at " + boot.kernel().end());
        assertEquals(0xAA55, memory.readU16(boot.zeroPage().value() + 0x1fe));
    }
}
