package io.crumblecracker.loader.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.crumblecracker.loader.boot.ZeroPageLayout;
import io.crumblecracker.memory.GuestAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Parses the project's own kernel build from {@code ~/.cache/crumblecracker/kernel/current}. Skipped when
 * it has not been built, except under {@code CI=true}, where the kernel is built first and its absence
 * is a failure.
 */
class RealKernelTest {

    private static final Path DIR = Path.of(System.getProperty("user.home"), ".cache", "crumblecracker", "kernel",
            "current");

    @Test
    void shouldParseVmlinuxWithPhysicalEntryAt16MiB() {
        final ElfKernel kernel = assertInstanceOf(ElfKernel.class, KernelImage.parse(requireBuilt("vmlinux")));

        assertEquals(GuestAddress.of(0x100_0000), kernel.entryPoint());
        assertEquals(0x100_0000L, kernel.segments().getFirst().physicalAddress());
        assertTrue(kernel.footprint(GuestAddress.ZERO).size() < 512L << 20, "a microVM kernel under 512 MiB");
    }

    @Test
    void shouldParseBzImageWith64BitEntry() {
        final BzImageKernel kernel = assertInstanceOf(BzImageKernel.class, KernelImage.parse(requireBuilt("bzImage")));

        final SetupHeader header = kernel.header();
        assertTrue(header.version() >= SetupHeader.MIN_VERSION, "protocol " + SetupHeader.versionString(header.version()));
        assertTrue((header.xloadflags() & ZeroPageLayout.XLF_KERNEL_64) != 0);
        assertTrue(header.initSize() >= kernel.payloadSize(), "init_size covers the compressed payload");
        assertEquals(2047, header.cmdlineSize());
        assertTrue(header.relocatable() || header.prefAddress() == 0x100_0000L);
    }

    private static Path requireBuilt(final String name) {
        final Path file = DIR.resolve(name);
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(Files.isRegularFile(file), "no kernel built at " + file);
        }
        assertTrue(Files.isRegularFile(file), "CI=true but no kernel was built at " + file);
        return file;
    }
}
