package io.crumblecracker.virtio.console;

/**
 * Wire constants of the console device (virtio 1.2 §5.3): queue indexes, feature bits and the
 * configuration-space layout.
 *
 * <pre>
 * Configuration space (§5.3.4), the part we expose:
 *   +0 u16 cols   +2 u16 rows          (valid with VIRTIO_CONSOLE_F_SIZE)
 *   [+4 u32 max_nr_ports, +8 u32 emerg_wr: absent, MULTIPORT and EMERG_WRITE are not offered]
 * </pre>
 *
 * <p>The order {@code cols, rows} is the one Linux ({@code struct virtio_console_config}), QEMU and virtio
 * 1.2 use; a later draft of the specification lists {@code rows} first.
 */
public final class ConsoleLayout {

    /** receiveq(port0): device-writable buffers the device fills with input. */
    public static final int RECEIVE_QUEUE = 0;
    /** transmitq(port0): device-readable buffers holding the guest's output. */
    public static final int TRANSMIT_QUEUE = 1;

    /** {@code cols} and {@code rows} are valid. */
    public static final long F_SIZE = 1L << 0;
    /** Multiple ports and control queues; not offered. */
    public static final long F_MULTIPORT = 1L << 1;
    /** Emergency write through {@code emerg_wr}; not offered. */
    public static final long F_EMERG_WRITE = 1L << 2;

    /** Offset of {@code cols} (u16). */
    public static final int CONFIG_COLS = 0;
    /** Offset of {@code rows} (u16). */
    public static final int CONFIG_ROWS = 2;
    /** Bytes of configuration space we expose. */
    public static final int CONFIG_SIZE = 4;

    private ConsoleLayout() {
    }
}
