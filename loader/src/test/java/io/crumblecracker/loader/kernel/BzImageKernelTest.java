package io.crumblecracker.loader.kernel;

import static io.crumblecracker.loader.kernel.TestKernels.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.BootParams;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class BzImageKernelTest {

    private static final GuestAddress LOAD = GuestAddress.of(0x100_0000);

    @Test
    void shouldParseSetupHeader() {
        final BzImageKernel kernel = parse(new TestKernels.BzImage());

        final SetupHeader header = kernel.header();
        assertEquals(0x020f, header.version());
        assertEquals(4, header.setupSects());
        assertEquals(5 * 512, header.kernelOffset());
        assertEquals(8192, kernel.payloadSize());
        assertTrue(header.relocatable());
        assertEquals(0x20_0000, header.kernelAlignment());
        assertEquals(2047, header.cmdlineSize());
        assertEquals(0x7fff_ffffL, header.initrdAddrMax());
        assertEquals(0x202 + 0x6a, header.headerEnd());
        assertEquals("2.15", SetupHeader.versionString(header.version()));
    }

    @Test
    void shouldReadZeroSetupSectorsAsFour() {
        final TestKernels.BzImage image = new TestKernels.BzImage();
        image.setupSects = 0;

        assertEquals(4, parse(image).header().setupSects());
    }

    @Test
    void shouldLoadPayloadAndEnterAt0x200() {
        final GuestMemory memory = TestKernels.memory(64 * MIB);
        final TestKernels.BzImage image = new TestKernels.BzImage();
        image.setupSects = 2;

        final LoadedKernel loaded = parse(image).load(memory, LOAD);

        assertEquals(LOAD.plus(0x200), loaded.entryPoint());
        assertEquals(1, memory.readU8(LOAD.value()), "first payload byte from file offset 3 * 512");
        assertEquals((byte) (8191 * 7 + 1), (byte) memory.readU8(LOAD.value() + 8191));
        assertEquals("[0x1000000, 0x1400000)", loaded.range().toString(), "init_size bounds the footprint");
    }

    @Test
    void shouldCopyHeaderIntoBootParams() {
        final BootParams params = parse(new TestKernels.BzImage())
                .load(TestKernels.memory(64 * MIB), LOAD).bootParams();

        assertFalse(params.isSynthesized());
        assertEquals(0xAA55, params.readU16(0x1fe));
        assertEquals(0x53726448L, params.readU32(0x202));
        assertEquals(0x020f, params.version());
        assertEquals(0xFF, params.readU8(0x210));
        assertEquals(LOAD.value(), params.readU32(0x214), "code32_start is the load address");
        assertEquals(0x03, params.xloadflags());
    }

    @Test
    void shouldLoadNonRelocatableKernelAtPrefAddress() {
        final TestKernels.BzImage image = new TestKernels.BzImage();
        image.relocatable = false;
        image.prefAddress = 0x200_0000;

        final LoadedKernel loaded = parse(image).load(TestKernels.memory(64 * MIB), LOAD);

        assertEquals(GuestAddress.of(0x200_0200), loaded.entryPoint());
    }

    @Test
    void shouldReserveUpToPrefAddressPlusInitSizeWhenLoadedLower() {
        final TestKernels.BzImage image = new TestKernels.BzImage();
        image.prefAddress = 0x200_0000;

        assertEquals("[0x1000000, 0x2400000)", parse(image).footprint(LOAD).toString());
    }

    @Test
    void shouldRejectMisalignedLoadAddress() {
        final BootException e = assertThrows(BootException.class,
                () -> parse(new TestKernels.BzImage()).load(TestKernels.memory(64 * MIB), GuestAddress.of(0x100_1000)));

        assertTrue(e.getMessage().contains("kernel_alignment=0x200000"), e.getMessage());
    }

    @Test
    void shouldRejectInitSizeBeyondMemory() {
        final TestKernels.BzImage image = new TestKernels.BzImage();
        image.initSize = 0x400_0000;

        final BootException e = assertThrows(BootException.class,
                () -> parse(image).load(TestKernels.memory(32 * MIB), LOAD));

        assertTrue(e.getMessage().contains("init_size=64 MiB") && e.getMessage().contains("32 MiB"), e.getMessage());
    }

    @Test
    void shouldRejectOldProtocol() {
        assertRejected(image -> image.version = 0x020a, "version=2.10, too old");
    }

    @Test
    void shouldRejectKernelWithout64BitEntry() {
        assertRejected(image -> image.xloadflags = 0, "without XLF_KERNEL_64");
    }

    @Test
    void shouldRejectZImage() {
        assertRejected(image -> image.loadflags = 0, "LOADED_HIGH");
    }

    @Test
    void shouldRejectBadAlignment() {
        assertRejected(image -> image.kernelAlignment = 0x30_0000, "not a power of two");
    }

    @Test
    void shouldRejectShortHeader() {
        assertRejected(image -> image.headerLength = 0x20, "setup header ending");
    }

    @Test
    void shouldRejectSetupSectorsPastEndOfFile() {
        final byte[] bytes = Arrays.copyOf(new TestKernels.BzImage().build(), 5 * 512);

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(bytes));

        assertTrue(e.getMessage().contains("setup_sects=4"), e.getMessage());
    }

    @Test
    void shouldRejectPayloadShorterThanSyssize() {
        final byte[] bytes = Arrays.copyOf(new TestKernels.BzImage().build(), 5 * 512 + 4000);

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(bytes));

        assertTrue(e.getMessage().contains("truncated: syssize"), e.getMessage());
    }

    @Test
    void shouldRejectHeaderTruncatedInsideTheFile() {
        final byte[] bytes = Arrays.copyOf(new TestKernels.BzImage().build(), 0x240);

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(bytes));

        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shouldRejectNonKernel() {
        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(new byte[4096]));

        assertTrue(e.getMessage().contains("is neither an ELF vmlinux nor a bzImage"), e.getMessage());
    }

    @Test
    void shouldRejectTinyAndEmptyFiles() {
        assertThrows(BootException.class, () -> KernelImage.parse(new byte[0]));
        assertThrows(BootException.class, () -> KernelImage.parse(new byte[] {0x7f, 'E', 'L'}));
    }

    @Test
    void shouldDetectBzImageByBootFlagAndMagic() {
        assertInstanceOf(BzImageKernel.class, KernelImage.parse(new TestKernels.BzImage().build()));
    }

    private static BzImageKernel parse(final TestKernels.BzImage image) {
        return (BzImageKernel) KernelImage.parse(image.build());
    }

    private static void assertRejected(final Consumer<TestKernels.BzImage> corrupt, final String expected) {
        final TestKernels.BzImage image = new TestKernels.BzImage();
        corrupt.accept(image);
        final byte[] bytes = image.build();

        final BootException e = assertThrows(BootException.class, () -> KernelImage.parse(bytes));

        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
