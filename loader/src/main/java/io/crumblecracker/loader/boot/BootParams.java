package io.crumblecracker.loader.boot;

import static io.crumblecracker.loader.boot.ZeroPageLayout.BOOT_FLAG;
import static io.crumblecracker.loader.boot.ZeroPageLayout.BOOT_FLAG_MAGIC;
import static io.crumblecracker.loader.boot.ZeroPageLayout.CMDLINE_SIZE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.CMD_LINE_PTR;
import static io.crumblecracker.loader.boot.ZeroPageLayout.CODE32_START;
import static io.crumblecracker.loader.boot.ZeroPageLayout.E820_ENTRIES;
import static io.crumblecracker.loader.boot.ZeroPageLayout.E820_TABLE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.EXT_CMD_LINE_PTR;
import static io.crumblecracker.loader.boot.ZeroPageLayout.EXT_RAMDISK_IMAGE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.EXT_RAMDISK_SIZE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.HEADER;
import static io.crumblecracker.loader.boot.ZeroPageLayout.HEADER_MAGIC;
import static io.crumblecracker.loader.boot.ZeroPageLayout.INITRD_ADDR_MAX;
import static io.crumblecracker.loader.boot.ZeroPageLayout.KERNEL_ALIGNMENT;
import static io.crumblecracker.loader.boot.ZeroPageLayout.LOADER_TYPE_UNDEFINED;
import static io.crumblecracker.loader.boot.ZeroPageLayout.RAMDISK_IMAGE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.RAMDISK_SIZE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.SETUP_HEADER;
import static io.crumblecracker.loader.boot.ZeroPageLayout.SETUP_HEADER_LIMIT;
import static io.crumblecracker.loader.boot.ZeroPageLayout.SIZE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.TYPE_OF_LOADER;
import static io.crumblecracker.loader.boot.ZeroPageLayout.VERSION;
import static io.crumblecracker.loader.boot.ZeroPageLayout.XLOADFLAGS;

import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The zero page ({@code struct boot_params}): a 4096-byte image the loader fills and writes into guest
 * memory; the kernel finds it through {@code %rsi} at its 64-bit entry point.
 *
 * <p>For a bzImage the setup header is copied verbatim from the file, so the kernel sees its own
 * declarations, and only the loader-written fields are overwritten. For an ELF vmlinux, which has no
 * header, a minimal one is synthesized the way Firecracker and linux-loader do it.
 *
 * <p>Spec: {@code Documentation/arch/x86/zero-page.rst}, {@code Documentation/arch/x86/boot.rst}
 * ("Details of Header Fields", "64-bit Boot Protocol"); offsets in {@link ZeroPageLayout}.
 *
 * <p>Not thread-safe.
 */
public final class BootParams {

    /** Boot protocol version written into a synthesized header: 2.12, the first with 64-bit fields. */
    public static final int SYNTHESIZED_VERSION = 0x020c;
    /** {@code kernel_alignment} in a synthesized header (16 MiB), as Firecracker writes it. */
    public static final int SYNTHESIZED_KERNEL_ALIGNMENT = 0x0100_0000;
    /** {@code initrd_addr_max} in a synthesized header: what x86-64 kernels themselves declare. */
    public static final int SYNTHESIZED_INITRD_ADDR_MAX = 0x7fff_ffff;

    private static final long U32_LIMIT = 1L << 32;

    private final ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final boolean synthesized;

    private BootParams(final boolean synthesized) {
        this.synthesized = synthesized;
    }

    /**
     * A zero page holding a bzImage's setup header, {@code header} being the file's bytes from offset
     * {@link ZeroPageLayout#SETUP_HEADER} to the header's end. Sets {@code type_of_loader} to 0xff.
     */
    public static BootParams fromSetupHeader(final byte[] header) {
        if (header.length > SETUP_HEADER_LIMIT - SETUP_HEADER) {
            throw new BootException("setup header is " + header.length + " bytes, the zero page holds at most "
                    + (SETUP_HEADER_LIMIT - SETUP_HEADER));
        }
        final BootParams params = new BootParams(false);
        params.page.put(SETUP_HEADER, header);
        params.page.put(TYPE_OF_LOADER, (byte) LOADER_TYPE_UNDEFINED);
        return params;
    }

    /** A zero page with a minimal synthesized setup header, for a kernel without one (an ELF vmlinux). */
    public static BootParams synthesized() {
        final BootParams params = new BootParams(true);
        params.page.putShort(BOOT_FLAG, (short) BOOT_FLAG_MAGIC);
        params.page.putInt(HEADER, HEADER_MAGIC);
        params.page.putShort(VERSION, (short) SYNTHESIZED_VERSION);
        params.page.put(TYPE_OF_LOADER, (byte) LOADER_TYPE_UNDEFINED);
        params.page.putInt(KERNEL_ALIGNMENT, SYNTHESIZED_KERNEL_ALIGNMENT);
        params.page.putInt(INITRD_ADDR_MAX, SYNTHESIZED_INITRD_ADDR_MAX);
        return params;
    }

    /** True if the setup header was synthesized rather than copied from a kernel. */
    public boolean isSynthesized() {
        return synthesized;
    }

    /**
     * Points the kernel at a command line of {@code length} bytes (NUL excluded) at {@code address},
     * splitting the address into {@code cmd_line_ptr} and {@code ext_cmd_line_ptr}. A synthesized header
     * also records the length in {@code cmdline_size}; a real kernel's header declares its own limit there.
     */
    public void setCommandLine(final GuestAddress address, final int length) {
        putSplit(CMD_LINE_PTR, EXT_CMD_LINE_PTR, address.value());
        if (synthesized) {
            page.putInt(CMDLINE_SIZE, length);
        }
    }

    /** Records the initramfs in {@code ramdisk_image}/{@code ramdisk_size} and their {@code ext_} halves. */
    public void setRamdisk(final AddressRange range) {
        putSplit(RAMDISK_IMAGE, EXT_RAMDISK_IMAGE, range.start().value());
        putSplit(RAMDISK_SIZE, EXT_RAMDISK_SIZE, range.size());
    }

    /** Stores {@code map} in {@code e820_table} and its entry count in {@code e820_entries}. */
    public void setE820(final E820Map map) {
        final byte[] table = map.toBytes();
        page.put(E820_TABLE, new byte[E820Map.MAX_ENTRIES * E820Entry.SIZE]);
        page.put(E820_TABLE, table);
        page.put(E820_ENTRIES, (byte) map.size());
    }

    /** Stores the 32-bit entry and load address in {@code code32_start}. */
    public void setCode32Start(final GuestAddress address) {
        if (address.value() < 0 || address.value() >= U32_LIMIT) {
            throw new BootException("code32_start=" + address + " does not fit in 32 bits");
        }
        page.putInt(CODE32_START, (int) address.value());
    }

    /** The boot protocol version, for example 0x020f for 2.15. */
    public int version() {
        return readU16(VERSION);
    }

    /** {@code initrd_addr_max}: the highest address the initramfs's last byte may occupy. */
    public long initrdAddrMax() {
        return readU32(INITRD_ADDR_MAX);
    }

    /** {@code cmdline_size}: the longest command line the kernel accepts, NUL excluded. */
    public long cmdlineSize() {
        return readU32(CMDLINE_SIZE);
    }

    /** {@code xloadflags}. */
    public int xloadflags() {
        return readU16(XLOADFLAGS);
    }

    /** The unsigned byte at {@code offset} in the page. */
    public int readU8(final int offset) {
        return Byte.toUnsignedInt(page.get(offset));
    }

    /** The unsigned little-endian 16-bit value at {@code offset}. */
    public int readU16(final int offset) {
        return Short.toUnsignedInt(page.getShort(offset));
    }

    /** The unsigned little-endian 32-bit value at {@code offset}. */
    public long readU32(final int offset) {
        return Integer.toUnsignedLong(page.getInt(offset));
    }

    /** The little-endian 64-bit value at {@code offset}. */
    public long readU64(final int offset) {
        return page.getLong(offset);
    }

    /** A copy of the whole page. */
    public byte[] toBytes() {
        return page.array().clone();
    }

    /**
     * Writes the page into guest memory at {@code address}.
     *
     * @throws BootException if the page does not fit in guest RAM there
     */
    public void writeTo(final GuestMemory memory, final long address) {
        if (!memory.contains(address, SIZE)) {
            throw new BootException("zero page at address=" + Sizes.hex(address) + " does not fit in "
                    + Sizes.bytes(memory.size()) + " of guest RAM");
        }
        memory.write(address, page.array());
    }

    private void putSplit(final int low, final int high, final long value) {
        page.putInt(low, (int) value);
        page.putInt(high, (int) (value >>> 32));
    }
}
