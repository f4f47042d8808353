package io.crumblecracker.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.api.VmException;
import io.crumblecracker.arch.x86.X86Layout;
import io.crumblecracker.loader.boot.E820Entry;
import io.crumblecracker.loader.boot.E820Type;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.MemoryRegion;
import io.crumblecracker.memory.SegmentGuestMemory;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and e820 map the VMM gives the kernel, and how bad boot input is reported. */
class KernelPlacementTest {

    private static final HostKvm PVM_HOST = new HostKvm(true, "", true, 1, 1);
    private static final HostKvm NATIVE_HOST = new HostKvm(true, "", false, 1, 1);

    @TempDir
    Path dir;

    @Test
    void shouldAddTheCompatibilityLineOnlyWhereKernelModeIsEmulated() throws Exception {
        final MachineConfig config = MachineConfig.builder(Path.of("k")).build();
        assertTrue(KernelPlacement.commandLine(config, PVM_HOST, List.of()).toString().contains("clearcpuid="));
        assertFalse(KernelPlacement.commandLine(config, NATIVE_HOST, List.of()).toString().contains("clearcpuid="));
        final MachineConfig forced = MachineConfig.builder(Path.of("k"))
                .compatibility(KvmCompatibility.Mode.ON).build();
        assertTrue(KernelPlacement.commandLine(forced, NATIVE_HOST, List.of()).toString().contains("clearcpuid="));
    }

    @Test
    void shouldPutUserParametersLastSoTheyWin() throws Exception {
        final MachineConfig config = MachineConfig.builder(Path.of("k")).cmdline(List.of("console=hvc0")).build();
        final List<String> params = KernelPlacement.commandLine(config, NATIVE_HOST, List.of()).params();
        assertEquals("console=hvc0", params.get(params.size() - 1));
        assertEquals("console=ttyS0", params.get(0));
    }

    @Test
    void shouldRejectAnOversizedCommandLineClearly() {
        final MachineConfig config = MachineConfig.builder(Path.of("k"))
                .cmdline(Collections.nCopies(300, "quiet=1")).build();
        final VmException e = assertThrows(VmException.class, () -> KernelPlacement.commandLine(config, PVM_HOST, List.of()));
        assertTrue(e.getMessage().contains("the limit is 2048"), e.getMessage());
    }

    @Test
    void shouldDescribeRamAroundTheLegacyHoleAndAboveTheMmioGap() {
        try (Arena arena = Arena.ofConfined()) {
            final SegmentGuestMemory memory = new SegmentGuestMemory(List.of(
                    new MemoryRegion(GuestAddress.ZERO, arena.allocate(64L << 20, 4096)),
                    new MemoryRegion(GuestAddress.of(X86Layout.MMIO_GAP_END), arena.allocate(2L << 20, 4096))));
            final List<E820Entry> entries = KernelPlacement.e820(memory).entries();
            assertEquals(new E820Entry(0, X86Layout.EBDA_START, E820Type.RAM), entries.get(0));
            assertEquals(E820Type.RESERVED, entries.get(1).type());
            assertEquals(new E820Entry(X86Layout.HIMEM_START, (64L << 20) - X86Layout.HIMEM_START, E820Type.RAM),
                    entries.get(2));
            assertEquals(new E820Entry(X86Layout.MMIO_GAP_END, 2L << 20, E820Type.RAM), entries.get(3));
        }
    }

    @Test
    void shouldReportAFileThatIsNotAKernelAsAVmException() throws Exception {
        final Path junk = Files.writeString(dir.resolve("junk"), "not a kernel at all");
        try (Arena arena = Arena.ofConfined()) {
            final SegmentGuestMemory memory = SegmentGuestMemory.of(arena.allocate(64L << 20, 4096));
            final VmException e = assertThrows(VmException.class, () ->
                    KernelPlacement.load(memory, MachineConfig.builder(junk).build(), NATIVE_HOST, List.of()));
            assertTrue(e.getMessage().contains("neither an ELF vmlinux nor a bzImage"), e.getMessage());
        }
    }

    @Test
    void shouldReportAnInitramfsThatDoesNotFitAsAVmException() {
        try (Arena arena = Arena.ofConfined()) {
            final SegmentGuestMemory memory = SegmentGuestMemory.of(arena.allocate(64L << 20, 4096));
            final MachineConfig config = MachineConfig.builder(io.crumblecracker.testing.GuestKernel.vmlinux())
                    .initramfs(new byte[80 << 20]).build();
            final VmException e = assertThrows(VmException.class, () ->
                    KernelPlacement.load(memory, config, NATIVE_HOST, List.of()));
            assertTrue(e.getMessage().contains("initramfs"), e.getMessage());
        }
    }

    @Test
    void shouldValidateTheConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> MachineConfig.builder(Path.of("k")).memoryMiB(16).build());
        assertThrows(IllegalArgumentException.class, () -> MachineConfig.builder(Path.of("k")).vcpus(0).build());
        assertThrows(IllegalArgumentException.class, () -> MachineConfig.builder(Path.of("k")).vcpus(65).build());
    }
}
