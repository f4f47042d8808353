package io.crumblecracker.loader.kernel;

import static io.crumblecracker.loader.kernel.TestKernels.MIB;
import static io.crumblecracker.loader.kernel.TestKernels.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ElfKernelTest {

    private static final long LOAD = 0x100_0000;

    @Test
    void shouldParseEntryAndSegments() {
        final ElfKernel kernel = (ElfKernel) KernelImage.parse(new TestKernels.Elf()
                .segment(LOAD + 0x20_0000, filled(16, (byte) 2), 32)
                .segment(LOAD, filled(4096, (byte) 1), 4096)
                .build());

        assertEquals(GuestAddress.of(LOAD), kernel.entryPoint());
        assertEquals(2, kernel.segments().size());
        assertEquals(LOAD, kernel.segments().getFirst().physicalAddress(), "sorted by physical address");
        assertEquals("[0x1000000, 0x1200020)", kernel.footprint(GuestAddress.ZERO).toString());
    }

    @Test
    void shouldCopyFileBytesAndZeroTheRest() {
        final GuestMemory memory = TestKernels.memory(32 * MIB);
        memory.fill(LOAD, 4 * 4096, (byte) 0xff);

        final LoadedKernel loaded = KernelImage.parse(TestKernels.simpleElf()).load(memory, GuestAddress.ZERO);

        assertEquals(0x90, memory.readU8(LOAD));
        assertEquals(0x90, memory.readU8(LOAD + 4095));
        assertEquals(0, memory.readU8(LOAD + 4096), "bss is zeroed");
        assertEquals(0, memory.readU8(LOAD + 3 * 4096 - 1));
        assertEquals(0xff, memory.readU8(LOAD + 3 * 4096), "nothing past p_memsz is touched");
        assertEquals(GuestAddress.of(LOAD), loaded.entryPoint());
        assertEquals(GuestAddress.of(LOAD), loaded.loadStart());
        assertEquals(GuestAddress.of(LOAD + 3 * 4096), loaded.loadEnd());
        assertTrue(loaded.bootParams().isSynthesized());
    }

    @Test
    void shouldRejectSegmentOutsideGuestMemory() {
        final GuestMemory memory = TestKernels.memory(16 * MIB);

        final BootException e = assertThrows(BootException.class,
                () -> KernelImage.parse(TestKernels.simpleElf()).load(memory, GuestAddress.ZERO));

        assertTrue(e.getMessage().contains("segment 0") && e.getMessage().contains("16 MiB"), e.getMessage());
    }

    @Test
    void shouldRejectTruncatedHeader() {
        final byte[] elf = Arrays.copyOf(TestKernels.simpleElf(), 40);

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(elf));

        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shouldRejectTruncatedProgramHeaderTable() {
        final byte[] elf = Arrays.copyOf(TestKernels.simpleElf(), 100);

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(elf));

        assertTrue(e.getMessage().contains("program header table"), e.getMessage());
    }

    @Test
    void shouldRejectWrongMachine() {
        assertRejected(elf -> elf.machine = 183, "e_machine=183");
    }

    @Test
    void shouldRejectThirtyTwoBitClass() {
        assertRejected(elf -> elf.elfClass = 1, "EI_CLASS=1");
    }

    @Test
    void shouldRejectBigEndian() {
        assertRejected(elf -> elf.data = 2, "EI_DATA=2");
    }

    @Test
    void shouldRejectSharedObject() {
        assertRejected(elf -> elf.type = 3, "e_type=3");
    }

    @Test
    void shouldRejectOddProgramHeaderSize() {
        assertRejected(elf -> elf.phentsize = 32, "e_phentsize=32");
    }

    @Test
    void shouldRejectEntryOutsideSegments() {
        assertRejected(elf -> elf.entry = 0xffffffff81000000L, "e_entry=0xffffffff81000000");
    }

    @Test
    void shouldRejectFileSizeLargerThanMemorySize() {
        assertRejected(elf -> elf.segments.set(0, new TestKernels.Segment(LOAD, filled(64, (byte) 1), 32)),
                "p_filesz=64 larger than p_memsz=32");
    }

    @Test
    void shouldRejectSegmentWrappingAddressSpace() {
        assertRejected(elf -> {
            elf.segments.set(0, new TestKernels.Segment(-4096, filled(16, (byte) 1), 8192));
            elf.entry = -4096;
        }, "past the top of the address space");
    }

    @Test
    void shouldRejectOverlappingSegments() {
        assertRejected(elf -> elf.segment(LOAD + 0x1000, filled(16, (byte) 1), 16), "overlaps");
    }

    @Test
    void shouldRejectImageWithoutLoadableSegment() {
        assertRejected(elf -> elf.segments.clear(), "no PT_LOAD");
    }

    @Test
    void shouldRejectSegmentPointingOutsideFile() {
        final byte[] elf = TestKernels.simpleElf();
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 8, 0x7fff_0000L);

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(elf));

        assertTrue(e.getMessage().contains("outside the"), e.getMessage());
    }

    @Test
    void shouldRejectHugeFileSizeWithoutOverflow() {
        final byte[] elf = TestKernels.simpleElf();
        final ByteBuffer buffer = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(64 + 32, -8L);
        buffer.putLong(64 + 40, -8L);

        assertThrows(BootException.class, () -> KernelImage.parse(elf));
    }

    @Test
    void shouldDetectElfByMagic() {
        assertInstanceOf(ElfKernel.class, KernelImage.parse(TestKernels.simpleElf()));
    }

    private static void assertRejected(final Consumer<TestKernels.Elf> corrupt, final String expected) {
        final TestKernels.Elf elf = new TestKernels.Elf().segment(LOAD, filled(4096, (byte) 1), 8192);
        corrupt.accept(elf);
        final byte[] bytes = elf.build();

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(bytes));

        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
