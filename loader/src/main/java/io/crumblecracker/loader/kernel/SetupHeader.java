package io.crumblecracker.loader.kernel;

import static io.crumblecracker.loader.boot.ZeroPageLayout.CMDLINE_SIZE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.CODE32_START;
import static io.crumblecracker.loader.boot.ZeroPageLayout.HEADER;
import static io.crumblecracker.loader.boot.ZeroPageLayout.INITRD_ADDR_MAX;
import static io.crumblecracker.loader.boot.ZeroPageLayout.INIT_SIZE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.JUMP;
import static io.crumblecracker.loader.boot.ZeroPageLayout.KERNEL_ALIGNMENT;
import static io.crumblecracker.loader.boot.ZeroPageLayout.LOADED_HIGH;
import static io.crumblecracker.loader.boot.ZeroPageLayout.LOADFLAGS;
import static io.crumblecracker.loader.boot.ZeroPageLayout.PREF_ADDRESS;
import static io.crumblecracker.loader.boot.ZeroPageLayout.RELOCATABLE_KERNEL;
import static io.crumblecracker.loader.boot.ZeroPageLayout.SETUP_HEADER;
import static io.crumblecracker.loader.boot.ZeroPageLayout.SETUP_HEADER_LIMIT;
import static io.crumblecracker.loader.boot.ZeroPageLayout.SETUP_SECTS;
import static io.crumblecracker.loader.boot.ZeroPageLayout.SYSSIZE;
import static io.crumblecracker.loader.boot.ZeroPageLayout.VERSION;
import static io.crumblecracker.loader.boot.ZeroPageLayout.XLF_KERNEL_64;
import static io.crumblecracker.loader.boot.ZeroPageLayout.XLOADFLAGS;

import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.Sizes;

/**
 * The validated setup header of a bzImage, the fields the loader relies on.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, "The Real-Mode Kernel Header" and "Details of
 * Header Fields". The header ends at 0x202 plus the byte at 0x201 (the {@code jump} displacement).
 *
 * @param setupSects     real-mode setup sectors, with the legacy 0 already read as 4
 * @param version        the boot protocol version, at least {@link #MIN_VERSION}
 * @param syssize        protected-mode code size in bytes (from 16-byte paragraphs)
 * @param code32Start    {@code code32_start}
 * @param initrdAddrMax  {@code initrd_addr_max}: the highest address the initramfs's last byte may use
 * @param kernelAlignment {@code kernel_alignment}, a power of two when {@code relocatable}
 * @param relocatable    {@code relocatable_kernel != 0}
 * @param xloadflags     {@code xloadflags}, with {@code XLF_KERNEL_64} set
 * @param cmdlineSize    {@code cmdline_size}: the longest command line, NUL excluded
 * @param prefAddress    {@code pref_address}: the load address of a non-relocatable kernel
 * @param initSize       {@code init_size}: bytes the kernel needs from its (aligned) load address
 * @param headerEnd      file offset one past the header's last byte
 */
public record SetupHeader(int setupSects, int version, long syssize, long code32Start, long initrdAddrMax,
                          long kernelAlignment, boolean relocatable, int xloadflags, long cmdlineSize,
                          long prefAddress, long initSize, int headerEnd) {

    /** Boot protocol 2.12: the first with {@code xloadflags}, which declares the 64-bit entry point. */
    public static final int MIN_VERSION = 0x020c;

    private static final int SECTOR = 512;
    private static final int SHORT_JMP = 0xEB;

    /** File offset of the protected-mode kernel: after the boot sector and the setup sectors. */
    public long kernelOffset() {
        return (long) (setupSects + 1) * SECTOR;
    }

    /** The version as "major.minor", for example "2.15". */
    public static String versionString(final int version) {
        return (version >> 8) + "." + (version & 0xff);
    }

    /**
     * Reads and validates the header of the bzImage in {@code image}.
     *
     * @throws BootException if the header is truncated, too old for 64-bit boot, or inconsistent
     */
    static SetupHeader read(final ImageReader image) {
        final int version = image.u16(VERSION, "version");
        if (version < MIN_VERSION) {
            throw new BootException(image.source() + " uses boot protocol version=" + versionString(version)
                    + ", too old: 64-bit boot needs " + versionString(MIN_VERSION) + " or later");
        }
        final int headerEnd = headerEnd(image);
        if ((image.u8(LOADFLAGS, "loadflags") & LOADED_HIGH) == 0) {
            throw new BootException(image.source() + " has LOADED_HIGH clear in loadflags: it is a zImage,"
                    + " not a bzImage");
        }
        final int xloadflags = image.u16(XLOADFLAGS, "xloadflags");
        if ((xloadflags & XLF_KERNEL_64) == 0) {
            throw new BootException(image.source() + " has xloadflags=" + Sizes.hex(xloadflags)
                    + " without XLF_KERNEL_64: it has no 64-bit entry point (a 32-bit kernel?)");
        }
        final int rawSects = image.u8(SETUP_SECTS, "setup_sects");
        final boolean relocatable = image.u8(RELOCATABLE_KERNEL, "relocatable_kernel") != 0;
        final long alignment = image.u32(KERNEL_ALIGNMENT, "kernel_alignment");
        if (relocatable && Long.bitCount(alignment) != 1) {
            throw new BootException(image.source() + " is relocatable but kernel_alignment="
                    + Sizes.hex(alignment) + " is not a power of two");
        }
        return new SetupHeader(rawSects == 0 ? 4 : rawSects, version, image.u32(SYSSIZE, "syssize") * 16,
                image.u32(CODE32_START, "code32_start"), image.u32(INITRD_ADDR_MAX, "initrd_addr_max"), alignment,
                relocatable, xloadflags, image.u32(CMDLINE_SIZE, "cmdline_size"),
                image.u64(PREF_ADDRESS, "pref_address"), image.u32(INIT_SIZE, "init_size"), headerEnd);
    }

    private static int headerEnd(final ImageReader image) {
        final int jump = image.u8(JUMP, "jump");
        final int end = HEADER + image.u8(JUMP + 1, "jump displacement");
        if (jump != SHORT_JMP) {
            throw new BootException(image.source() + " has jump=" + Sizes.hex(jump) + " at offset 0x200, expected"
                    + " a short jmp (0xeb) over the setup header");
        }
        if (end < INIT_SIZE + 4 || end > SETUP_HEADER_LIMIT) {
            throw new BootException(image.source() + " declares a setup header ending at offset=" + Sizes.hex(end)
                    + "; it must end between " + Sizes.hex(INIT_SIZE + 4) + " and " + Sizes.hex(SETUP_HEADER_LIMIT));
        }
        image.u8(end - 1, "setup header (from " + Sizes.hex(SETUP_HEADER) + ")");
        return end;
    }
}
