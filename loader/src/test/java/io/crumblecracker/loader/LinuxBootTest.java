package io.crumblecracker.loader;

import static io.crumblecracker.loader.kernel.TestKernels.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.E820Map;
import io.crumblecracker.loader.boot.E820Type;
import io.crumblecracker.loader.boot.KernelCmdline;
import io.crumblecracker.loader.kernel.TestKernels;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxBootTest {

    private static final long ZERO_PAGE = 0x7000;
    private static final long CMDLINE = 0x20000;

    @Test
    void shouldBootElfKernelWithInitramfsAtTopOfRam() {
        final GuestMemory memory = TestKernels.memory(64 * MIB);
        final byte[] initramfs = TestKernels.filled(10_000, (byte) 0x42);

        final BootInfo boot = LinuxBoot.into(memory, BootLayout.x86Default())
                .kernel(TestKernels.simpleElf())
                .initramfs(initramfs)
                .cmdline(KernelCmdline.parse("console=ttyS0 panic=-1"))
                .e820(e820(64 * MIB))
                .load();

        final long expectedStart = 64 * MIB - 12288;
        assertEquals(GuestAddress.of(0x100_0000), boot.entryPoint());
        assertEquals(GuestAddress.of(ZERO_PAGE), boot.zeroPage());
        assertEquals(AddressRange.of(expectedStart, 10_000), boot.initramfs().orElseThrow());
        assertEquals(0x42, memory.readU8(expectedStart + 9_999));
        assertEquals((int) expectedStart, memory.readU32(ZERO_PAGE + 0x218), "ramdisk_image");
        assertEquals(10_000, memory.readU32(ZERO_PAGE + 0x21c), "ramdisk_size");
        assertEquals((int) CMDLINE, memory.readU32(ZERO_PAGE + 0x228), "cmd_line_ptr");
        assertEquals(22, memory.readU32(ZERO_PAGE + 0x238), "cmdline_size of a synthesized header");
        assertEquals(2, memory.readU8(ZERO_PAGE + 0x1e8), "e820_entries");
        assertEquals(0xAA55, memory.readU16(ZERO_PAGE + 0x1fe));
        assertEquals("console=ttyS0 panic=-1\0", readString(memory, CMDLINE, 23));
    }

    @Test
    void shouldBootBzImageRespectingInitrdAddrMax() {
        final GuestMemory memory = TestKernels.memory(64 * MIB);
        final TestKernels.BzImage image = new TestKernels.BzImage();
        image.initrdAddrMax = 0x2ff_ffff;

        final BootInfo boot = LinuxBoot.into(memory, BootLayout.x86Default())
                .kernel(image.build())
                .initramfs(new byte[4096])
                .e820(e820(64 * MIB))
                .load();

        assertEquals(GuestAddress.of(0x100_0200), boot.entryPoint());
        assertEquals(GuestAddress.of(0x300_0000 - 4096), boot.initramfs().orElseThrow().start());
        assertEquals(0x20f, memory.readU16(ZERO_PAGE + 0x206), "the kernel's own header version");
        assertEquals(2047, memory.readU32(ZERO_PAGE + 0x238), "the kernel's own cmdline_size is kept");
    }

    @Test
    void shouldPlaceInitramfsBelowKernelWhenNoRoomAbove() {
        final GuestMemory memory = TestKernels.memory(64 * MIB);
        final BootLayout layout = new BootLayout(GuestAddress.of(ZERO_PAGE), GuestAddress.of(CMDLINE),
                BootLayout.DEFAULT_KERNEL_LOAD, GuestAddress.of(0x100_4000));

        final BootInfo boot = LinuxBoot.into(memory, layout)
                .kernel(TestKernels.simpleElf())
                .initramfs(new byte[8192])
                .e820(e820(64 * MIB))
                .load();

        assertEquals(AddressRange.of(0x100_0000 - 8192, 8192), boot.initramfs().orElseThrow());
        assertEquals(AddressRange.of(0x100_0000, 3 * 4096), boot.kernel());
    }

    @Test
    void shouldSkipRamdiskFieldsWithoutInitramfs() {
        final GuestMemory memory = TestKernels.memory(32 * MIB);

        final BootInfo boot = LinuxBoot.into(memory, BootLayout.x86Default())
                .kernel(TestKernels.simpleElf()).e820(e820(32 * MIB)).load();

        assertTrue(boot.initramfs().isEmpty());
        assertEquals(0, memory.readU32(ZERO_PAGE + 0x218));
        assertEquals(0, memory.readU8(CMDLINE), "empty command line is a single NUL");
    }

    @Test
    void shouldRejectInitramfsTooBigForMemory() {
        final GuestMemory memory = TestKernels.memory(32 * MIB);
        final LinuxBoot boot = LinuxBoot.into(memory, BootLayout.x86Default())
                .kernel(TestKernels.simpleElf()).initramfs(new byte[(int) (40 * MIB)]).e820(e820(32 * MIB));

        final BootException e = assertThrows(BootException.class, boot::load);

        assertTrue(e.getMessage().contains("initramfs of 40 MiB does not fit") && e.getMessage().contains("32 MiB"),
                e.getMessage());
        assertEquals(0, memory.readU8(0x100_0000), "nothing is written when the plan fails");
    }

    @Test
    void shouldRejectCommandLineLongerThanKernelAccepts() {
        final TestKernels.BzImage image = new TestKernels.BzImage();
        image.cmdlineSize = 255;
        final LinuxBoot boot = LinuxBoot.into(TestKernels.memory(64 * MIB), BootLayout.x86Default())
                .kernel(image.build()).cmdline(new KernelCmdline().add("x".repeat(300))).e820(e820(64 * MIB));

        final BootException e = assertThrows(BootException.class, boot::load);

        assertTrue(e.getMessage().contains("command line is 300 bytes") && e.getMessage().contains("cmdline_size=255"),
                e.getMessage());
    }

    @Test
    void shouldRejectOversizedCommandLineWhileBuildingIt() {
        final BootException e = assertThrows(BootException.class,
                () -> KernelCmdline.parse("x".repeat(KernelCmdline.X86_MAX_SIZE)));

        assertTrue(e.getMessage().contains("the limit is 2048"), e.getMessage());
    }

    @Test
    void shouldRejectKernelOverlappingZeroPage() {
        final BootLayout layout = new BootLayout(GuestAddress.of(0x100_1000), GuestAddress.of(CMDLINE),
                BootLayout.DEFAULT_KERNEL_LOAD, BootLayout.DEFAULT_INITRAMFS_LIMIT);
        final LinuxBoot boot = LinuxBoot.into(TestKernels.memory(32 * MIB), layout)
                .kernel(TestKernels.simpleElf()).e820(e820(32 * MIB));

        final BootException e = assertThrows(BootException.class, boot::load);

        assertTrue(e.getMessage().contains("overlaps the zero page"), e.getMessage());
    }

    @Test
    void shouldRejectZeroPageOutsideMemory() {
        final BootLayout layout = new BootLayout(GuestAddress.of(64 * MIB), GuestAddress.of(CMDLINE),
                BootLayout.DEFAULT_KERNEL_LOAD, BootLayout.DEFAULT_INITRAMFS_LIMIT);
        final LinuxBoot boot = LinuxBoot.into(TestKernels.memory(32 * MIB), layout)
                .kernel(TestKernels.simpleElf()).e820(e820(32 * MIB));

        assertThrows(BootException.class, boot::load);
    }

    @Test
    void shouldRejectE820RamNotBackedByMemory() {
        final LinuxBoot boot = LinuxBoot.into(TestKernels.memory(32 * MIB), BootLayout.x86Default())
                .kernel(TestKernels.simpleElf()).e820(e820(64 * MIB));

        final BootException e = assertThrows(BootException.class, boot::load);

        assertTrue(e.getMessage().contains("not backed by guest memory"), e.getMessage());
    }

    @Test
    void shouldRejectEmptyInitramfs() {
        assertThrows(BootException.class,
                () -> LinuxBoot.into(TestKernels.memory(MIB), BootLayout.x86Default()).initramfs(new byte[0]));
    }

    @Test
    void shouldReadKernelAndInitramfsFromFiles(@TempDir final Path dir) throws Exception {
        final Path kernel = Files.write(dir.resolve("vmlinux"), TestKernels.simpleElf());
        final Path initramfs = Files.write(dir.resolve("initramfs.cpio"), new byte[] {1, 2, 3});
        final GuestMemory memory = TestKernels.memory(32 * MIB);

        final BootInfo boot = LinuxBoot.into(memory, BootLayout.x86Default())
                .kernel(kernel).initramfs(initramfs).e820(e820(32 * MIB)).load();

        final byte[] copied = new byte[3];
        memory.read(boot.initramfs().orElseThrow().start().value(), copied, 0, 3);
        assertArrayEquals(new byte[] {1, 2, 3}, copied);
    }

    @Test
    void shouldNameMissingFile(@TempDir final Path dir) {
        final BootException e = assertThrows(BootException.class,
                () -> LinuxBoot.into(TestKernels.memory(MIB), BootLayout.x86Default()).kernel(dir.resolve("nope")));

        assertTrue(e.getMessage().contains("cannot read kernel path="), e.getMessage());
    }

    private static E820Map e820(final long ramSize) {
        return new E820Map().add(0, 0x9_fc00, E820Type.RAM).add(0x10_0000, ramSize - 0x10_0000, E820Type.RAM);
    }

    private static String readString(final GuestMemory memory, final long address, final int length) {
        final byte[] bytes = new byte[length];
        memory.read(address, bytes, 0, length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
