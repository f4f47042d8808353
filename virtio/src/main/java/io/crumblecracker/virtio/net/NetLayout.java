package io.crumblecracker.virtio.net;

/**
 * Wire constants of the network device (virtio 1.2 §5.1): queue indexes, feature bits, the
 * configuration-space layout, the per-packet header and Ethernet sizes.
 *
 * <pre>
 * Configuration space (§5.1.4), the part we expose:
 *   +0 u8 mac[6]   +6 u16 status   +8 u16 max_virtqueue_pairs   +10 u16 mtu
 *
 * struct virtio_net_hdr (§5.1.6), 12 bytes with VIRTIO_F_VERSION_1, in front of every frame:
 *   +0 u8 flags  +1 u8 gso_type  +2 u16 hdr_len  +4 u16 gso_size  +6 u16 csum_start
 *   +8 u16 csum_offset  +10 u16 num_buffers
 * </pre>
 */
public final class NetLayout {

    /** receiveq1: device-writable buffers the device fills with frames. */
    public static final int RECEIVE_QUEUE = 0;
    /** transmitq1: device-readable buffers holding the guest's frames. */
    public static final int TRANSMIT_QUEUE = 1;

    /** The device handles packets with partial checksum; not offered. */
    public static final long F_CSUM = 1L << 0;
    /** The driver handles packets with partial checksum; not offered. */
    public static final long F_GUEST_CSUM = 1L << 1;
    /** The device reports its maximum MTU in {@code mtu}. */
    public static final long F_MTU = 1L << 3;
    /** The device has a fixed MAC address in {@code mac}. */
    public static final long F_MAC = 1L << 5;
    /** The driver can merge receive buffers; not offered (oversized frames are dropped instead). */
    public static final long F_MRG_RXBUF = 1L << 15;
    /** {@code status} is valid: link state. */
    public static final long F_STATUS = 1L << 16;

    /** Offset of {@code mac} (6 bytes). */
    public static final int CONFIG_MAC = 0;
    /** Offset of {@code status} (u16). */
    public static final int CONFIG_STATUS = 6;
    /** Offset of {@code max_virtqueue_pairs} (u16). */
    public static final int CONFIG_MAX_VIRTQUEUE_PAIRS = 8;
    /** Offset of {@code mtu} (u16). */
    public static final int CONFIG_MTU = 10;
    /** Bytes of configuration space we expose. */
    public static final int CONFIG_SIZE = 12;
    /** Bytes in a MAC address. */
    public static final int MAC_BYTES = 6;
    /** {@code status}: the link is up. */
    public static final int S_LINK_UP = 1;

    /** Bytes of {@code struct virtio_net_hdr} with VERSION_1. */
    public static final int HEADER_SIZE = 12;
    /** Offset of {@code num_buffers} in the header. */
    public static final int HDR_NUM_BUFFERS = 10;
    /** {@code flags}: the checksum needs completing (only with CSUM). */
    public static final int HDR_F_NEEDS_CSUM = 1;
    /** {@code gso_type}: not a GSO frame. */
    public static final int GSO_NONE = 0;

    /** Bytes of an Ethernet header: the smallest frame we pass on. */
    public static final int ETH_HLEN = 14;
    /** Bytes of an 802.1Q VLAN tag. */
    public static final int VLAN_HLEN = 4;
    /** The largest frame (65535-byte packet plus Ethernet header), header excluded. */
    public static final int MAX_FRAME_SIZE = 65550;
    /** The largest buffer a driver is asked to provide (§5.1.6.3.1): header plus the largest frame. */
    public static final int MAX_PACKET_SIZE = HEADER_SIZE + MAX_FRAME_SIZE;
    /** The smallest MTU we accept (the IPv4 minimum). */
    public static final int MIN_MTU = 68;
    /** The largest MTU we accept: one whose frames, VLAN tag included, fit {@link #MAX_FRAME_SIZE}. */
    public static final int MAX_MTU = MAX_FRAME_SIZE - ETH_HLEN - VLAN_HLEN;

    private NetLayout() {
    }
}
