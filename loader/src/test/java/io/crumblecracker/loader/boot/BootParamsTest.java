package io.crumblecracker.loader.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.loader.kernel.TestKernels;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import org.junit.jupiter.api.Test;

class BootParamsTest {

    private static final long ZERO_PAGE = 0x7000;

    @Test
    void shouldSynthesizeMinimalHeader() {
        final BootParams params = BootParams.synthesized();

        assertTrue(params.isSynthesized());
        assertEquals(0xAA55, params.readU16(0x1fe));
        assertEquals(0x53726448L, params.readU32(0x202));
        assertEquals(0x020c, params.version());
        assertEquals(0xFF, params.readU8(0x210));
        assertEquals(0x100_0000L, params.readU32(0x230));
        assertEquals(0x7fff_ffffL, params.initrdAddrMax());
    }

    @Test
    void shouldCopySetupHeaderVerbatimThenMarkLoader() {
        final byte[] header = new byte[0x26c - 0x1f1];
        for (int i = 0; i < header.length; i++) {
            header[i] = (byte) (i + 1);
        }

        final BootParams params = BootParams.fromSetupHeader(header);

        assertFalse(params.isSynthesized());
        assertEquals(1, params.readU8(0x1f1));
        assertEquals(0x26c - 0x1f1, params.readU8(0x26b));
        assertEquals(0xFF, params.readU8(0x210), "type_of_loader is overwritten");
        assertEquals(0, params.readU8(0x26c), "nothing past the header");
    }

    @Test
    void shouldRejectSetupHeaderLargerThanItsRoom() {
        assertThrows(BootException.class, () -> BootParams.fromSetupHeader(new byte[0x290 - 0x1f1 + 1]));
    }

    @Test
    void shouldSplitCommandLinePointerAbove4GiB() {
        final BootParams params = BootParams.synthesized();

        params.setCommandLine(GuestAddress.of(0x1_2345_6000L), 42);

        assertEquals(0x2345_6000L, params.readU32(0x228));
        assertEquals(1L, params.readU32(0xc8));
        assertEquals(42L, params.cmdlineSize());
    }

    @Test
    void shouldLeaveKernelCmdlineSizeInCopiedHeader() {
        final byte[] header = new byte[0x26c - 0x1f1];
        header[0x238 - 0x1f1] = (byte) 0xff;
        header[0x239 - 0x1f1] = 0x07;
        final BootParams params = BootParams.fromSetupHeader(header);

        params.setCommandLine(GuestAddress.of(0x20000), 12);

        assertEquals(0x20000L, params.readU32(0x228));
        assertEquals(2047L, params.cmdlineSize());
    }

    @Test
    void shouldRecordRamdiskWithExtendedHalves() {
        final BootParams params = BootParams.synthesized();

        params.setRamdisk(AddressRange.of(0x2_0000_1000L, 0x1_0000_0010L));

        assertEquals(0x1000L, params.readU32(0x218));
        assertEquals(2L, params.readU32(0xc0));
        assertEquals(0x10L, params.readU32(0x21c));
        assertEquals(1L, params.readU32(0xc4));
    }

    @Test
    void shouldStoreE820TableAndCount() {
        final BootParams params = BootParams.synthesized();
        final E820Map map = new E820Map().add(0, 0x9_fc00, E820Type.RAM).add(0x10_0000, 0x3f0_0000, E820Type.RAM);

        params.setE820(map);

        assertEquals(2, params.readU8(0x1e8));
        assertEquals(0x9_fc00L, params.readU64(0x2d0 + 8));
        assertEquals(0x10_0000L, params.readU64(0x2d0 + 20));
        assertEquals(1L, params.readU32(0x2d0 + 20 + 16));
    }

    @Test
    void shouldStoreCode32Start() {
        final BootParams params = BootParams.synthesized();

        params.setCode32Start(GuestAddress.of(0x100_0000));

        assertEquals(0x100_0000L, params.readU32(0x214));
        assertThrows(BootException.class, () -> params.setCode32Start(GuestAddress.of(1L << 32)));
    }

    @Test
    void shouldWriteWholePageToGuestMemory() {
        final GuestMemory memory = TestKernels.memory(1 << 20);
        memory.fill(ZERO_PAGE, 4096, (byte) 0x5a);
        final BootParams params = BootParams.synthesized();
        params.setCommandLine(GuestAddress.of(0x20000), 5);
        params.setE820(new E820Map().add(0, 0x9_fc00, E820Type.RAM));

        params.writeTo(memory, ZERO_PAGE);

        assertEquals(0xAA55, memory.readU16(ZERO_PAGE + 0x1fe));
        assertEquals(0x53726448, memory.readU32(ZERO_PAGE + 0x202));
        assertEquals(0xFF, memory.readU8(ZERO_PAGE + 0x210));
        assertEquals(0x20000, memory.readU32(ZERO_PAGE + 0x228));
        assertEquals(1, memory.readU8(ZERO_PAGE + 0x1e8));
        assertEquals(0x9_fc00L, memory.readU64(ZERO_PAGE + 0x2d0 + 8));
        assertEquals(E820Type.RAM.code(), memory.readU32(ZERO_PAGE + 0x2d0 + 16));
        assertEquals(0, memory.readU8(ZERO_PAGE + 0xfff), "the whole page is written, zeroes included");
    }

    @Test
    void shouldRefuseToWriteOutsideGuestMemory() {
        final GuestMemory memory = TestKernels.memory(8192);

        final BootException e = assertThrows(BootException.class,
                () -> BootParams.synthesized().writeTo(memory, 0x1800));

        assertTrue(e.getMessage().contains("zero page at address=0x1800"), e.getMessage());
    }
}
