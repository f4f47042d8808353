package io.crumblecracker.loader.boot;

/**
 * Offsets of the zero page ({@code struct boot_params}) fields the loader reads or writes, as absolute
 * byte offsets within the 4096-byte page. The setup header ({@code struct setup_header}) is embedded at
 * {@link #SETUP_HEADER}; a bzImage carries the same bytes at the same file offsets.
 *
 * <pre>
 *  0x000 ┌──────────────────────────────┐
 *        │ screen_info, apm, ... (zero)  │
 *  0x0c0 │ ext_ramdisk_image  u32        │ high 32 bits of ramdisk_image
 *  0x0c4 │ ext_ramdisk_size   u32        │ high 32 bits of ramdisk_size
 *  0x0c8 │ ext_cmd_line_ptr   u32        │ high 32 bits of cmd_line_ptr
 *  0x1e8 │ e820_entries       u8         │
 *  0x1f1 ├─ setup_header ────────────────┤ copied from the bzImage, or synthesized
 *        │ setup_sects, boot_flag, HdrS, │
 *        │ version, loader fields, ...   │
 *  0x290 ├──────────────────────────────┤ end of the setup header's room
 *  0x2d0 │ e820_table  128 x 20 bytes    │
 *  0xcd0 │ ... (zero)                    │
 *  0x1000└──────────────────────────────┘
 * </pre>
 *
 * <p>Spec: {@code Documentation/arch/x86/zero-page.rst}; setup header fields from {@code
 * Documentation/arch/x86/boot.rst}, "The Real-Mode Kernel Header".
 */
public final class ZeroPageLayout {

    /** Size of the zero page in bytes. */
    public static final int SIZE = 4096;

    /** {@code ext_ramdisk_image}, u32. */
    public static final int EXT_RAMDISK_IMAGE = 0x0c0;
    /** {@code ext_ramdisk_size}, u32. */
    public static final int EXT_RAMDISK_SIZE = 0x0c4;
    /** {@code ext_cmd_line_ptr}, u32. */
    public static final int EXT_CMD_LINE_PTR = 0x0c8;
    /** {@code e820_entries}, u8. */
    public static final int E820_ENTRIES = 0x1e8;

    /** Start of {@code struct setup_header}. */
    public static final int SETUP_HEADER = 0x1f1;
    /** {@code setup_sects}, u8: real-mode setup size in 512-byte sectors (0 means 4). */
    public static final int SETUP_SECTS = 0x1f1;
    /** {@code syssize}, u32: protected-mode code size in 16-byte paragraphs. */
    public static final int SYSSIZE = 0x1f4;
    /** {@code boot_flag}, u16: {@link #BOOT_FLAG_MAGIC}. */
    public static final int BOOT_FLAG = 0x1fe;
    /** {@code jump}, u16: a short jump whose displacement byte (at 0x201) gives the header's end. */
    public static final int JUMP = 0x200;
    /** {@code header}, u32: {@link #HEADER_MAGIC}. */
    public static final int HEADER = 0x202;
    /** {@code version}, u16: boot protocol version, major in the high byte. */
    public static final int VERSION = 0x206;
    /** {@code type_of_loader}, u8. */
    public static final int TYPE_OF_LOADER = 0x210;
    /** {@code loadflags}, u8. */
    public static final int LOADFLAGS = 0x211;
    /** {@code code32_start}, u32: 32-bit entry and load address. */
    public static final int CODE32_START = 0x214;
    /** {@code ramdisk_image}, u32. */
    public static final int RAMDISK_IMAGE = 0x218;
    /** {@code ramdisk_size}, u32. */
    public static final int RAMDISK_SIZE = 0x21c;
    /** {@code heap_end_ptr}, u16. */
    public static final int HEAP_END_PTR = 0x224;
    /** {@code cmd_line_ptr}, u32. */
    public static final int CMD_LINE_PTR = 0x228;
    /** {@code initrd_addr_max}, u32: highest address the initrd's last byte may occupy. */
    public static final int INITRD_ADDR_MAX = 0x22c;
    /** {@code kernel_alignment}, u32. */
    public static final int KERNEL_ALIGNMENT = 0x230;
    /** {@code relocatable_kernel}, u8. */
    public static final int RELOCATABLE_KERNEL = 0x234;
    /** {@code xloadflags}, u16. */
    public static final int XLOADFLAGS = 0x236;
    /** {@code cmdline_size}, u32: longest command line, NUL excluded. */
    public static final int CMDLINE_SIZE = 0x238;
    /** {@code pref_address}, u64. */
    public static final int PREF_ADDRESS = 0x258;
    /** {@code init_size}, u32: memory the kernel needs from its load address while it starts. */
    public static final int INIT_SIZE = 0x260;
    /** One past the setup header's room in the zero page ({@code edd_mbr_sig_buffer} follows). */
    public static final int SETUP_HEADER_LIMIT = 0x290;
    /** {@code e820_table}: {@link E820Map#MAX_ENTRIES} entries of {@link E820Entry#SIZE} bytes. */
    public static final int E820_TABLE = 0x2d0;

    /** {@code boot_flag} value. */
    public static final int BOOT_FLAG_MAGIC = 0xAA55;
    /** {@code header} value, "HdrS" little-endian. */
    public static final int HEADER_MAGIC = 0x53726448;
    /** {@code type_of_loader} for a loader without an assigned id. */
    public static final int LOADER_TYPE_UNDEFINED = 0xFF;
    /** {@code loadflags} bit 0: protected-mode code is loaded at 0x100000 (a bzImage). */
    public static final int LOADED_HIGH = 0x01;
    /** {@code xloadflags} bit 0: the kernel has the 64-bit entry point at load address + 0x200. */
    public static final int XLF_KERNEL_64 = 0x01;
    /** {@code xloadflags} bit 1: kernel, boot_params, cmdline and ramdisk may be above 4 GiB. */
    public static final int XLF_CAN_BE_LOADED_ABOVE_4G = 0x02;

    private ZeroPageLayout() {
    }
}
