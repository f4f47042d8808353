package io.crumblecracker.virtio.blk;

/**
 * Wire constants of the block device (virtio 1.2 §5.2): feature bits, the configuration-space layout, the
 * request header, request types and status values.
 *
 * <pre>
 * Request (§5.2.6), as one byte stream over the chain:
 *   device-readable:  u32 type | u32 reserved | u64 sector | [data, for OUT]
 *   device-writable:  [data, for IN and GET_ID] | u8 status   (the status is the chain's last byte)
 *
 * Configuration space (§5.2.4), the part we expose:
 *   +0 u64 capacity (512-byte sectors)  +8 u32 size_max  +12 u32 seg_max
 *   +16 geometry {u16 cylinders, u8 heads, u8 sectors}   +20 u32 blk_size
 * </pre>
 */
public final class BlkLayout {

    /** The unit of {@code capacity} and {@code sector}, whatever the block size. */
    public static final int SECTOR_SIZE = 512;
    /** log2 of {@link #SECTOR_SIZE}. */
    public static final int SECTOR_SHIFT = 9;
    /** Bytes of the device ID returned by GET_ID (NUL-padded, not NUL-terminated when 20 long). */
    public static final int ID_BYTES = 20;

    /** Maximum size of any single segment is in {@code size_max}. */
    public static final long F_SIZE_MAX = 1L << 1;
    /** Maximum number of segments in a request is in {@code seg_max}. */
    public static final long F_SEG_MAX = 1L << 2;
    /** The device is read-only. */
    public static final long F_RO = 1L << 5;
    /** Block size of the disk is in {@code blk_size}. */
    public static final long F_BLK_SIZE = 1L << 6;
    /** Cache flush command support. */
    public static final long F_FLUSH = 1L << 9;

    /** Offset of {@code capacity} (u64). */
    public static final int CONFIG_CAPACITY = 0;
    /** Offset of {@code size_max} (u32). */
    public static final int CONFIG_SIZE_MAX = 8;
    /** Offset of {@code seg_max} (u32). */
    public static final int CONFIG_SEG_MAX = 12;
    /** Offset of {@code blk_size} (u32). */
    public static final int CONFIG_BLK_SIZE = 20;
    /** Bytes of configuration space we expose. */
    public static final int CONFIG_SIZE = 24;

    /** Bytes of the request header. */
    public static final int HEADER_SIZE = 16;

    /** Read sectors into the writable data. */
    public static final int T_IN = 0;
    /** Write the readable data to sectors. */
    public static final int T_OUT = 1;
    /** Make completed writes durable. */
    public static final int T_FLUSH = 4;
    /** Return the device ID string. */
    public static final int T_GET_ID = 8;

    /** Success. */
    public static final int S_OK = 0;
    /** Device or driver error. */
    public static final int S_IOERR = 1;
    /** Request unsupported by the device. */
    public static final int S_UNSUPP = 2;

    private BlkLayout() {
    }
}
