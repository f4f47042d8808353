package io.crumblecracker.virtio.vsock;

/**
 * Wire constants of the socket device (virtio 1.2 §5.10): queue indexes, the configuration space, the
 * packet header, socket types, operations, shutdown flags and events.
 *
 * <pre>
 * Configuration space (§5.10.4):  +0 u64 guest_cid   (upper 32 bits reserved, zero)
 *
 * struct virtio_vsock_hdr (§5.10.6), 44 bytes in front of every packet:
 *   +0 u64 src_cid  +8 u64 dst_cid  +16 u32 src_port  +20 u32 dst_port  +24 u32 len
 *   +28 u16 type  +30 u16 op  +32 u32 flags  +36 u32 buf_alloc  +40 u32 fwd_cnt
 *
 * struct virtio_vsock_event (§5.10.6.7):  +0 u32 id
 * </pre>
 */
public final class VsockLayout {

    /** rx: device-writable buffers the device fills with packets for the guest. */
    public static final int RX_QUEUE = 0;
    /** tx: device-readable packets from the guest. */
    public static final int TX_QUEUE = 1;
    /** event: device-writable buffers for {@code virtio_vsock_event}s. */
    public static final int EVENT_QUEUE = 2;

    /** The host's well-known CID. */
    public static final long HOST_CID = 2;
    /** The largest CID a guest may have (0xFFFFFFFF and the upper 32 bits are reserved). */
    public static final long MAX_GUEST_CID = 0xFFFF_FFFEL;

    /** Offset of {@code guest_cid} (u64). */
    public static final int CONFIG_GUEST_CID = 0;
    /** Bytes of configuration space. */
    public static final int CONFIG_SIZE = 8;

    /** Bytes of {@code struct virtio_vsock_hdr}. */
    public static final int HEADER_SIZE = 44;
    /** The largest payload the device accepts in, or puts into, one packet. */
    public static final int MAX_PAYLOAD = 64 * 1024;

    /** {@code type}: stream socket, the only type we support. */
    public static final int TYPE_STREAM = 1;
    /** {@code type}: seqpacket socket; not offered (VIRTIO_VSOCK_F_SEQPACKET). */
    public static final int TYPE_SEQPACKET = 2;

    /** {@code op}: invalid. */
    public static final int OP_INVALID = 0;
    /** {@code op}: connection request. */
    public static final int OP_REQUEST = 1;
    /** {@code op}: connection accepted. */
    public static final int OP_RESPONSE = 2;
    /** {@code op}: connection refused or reset. */
    public static final int OP_RST = 3;
    /** {@code op}: the sender will not receive and/or send any more ({@code flags}). */
    public static final int OP_SHUTDOWN = 4;
    /** {@code op}: payload. */
    public static final int OP_RW = 5;
    /** {@code op}: the sender's credit ({@code buf_alloc}, {@code fwd_cnt}). */
    public static final int OP_CREDIT_UPDATE = 6;
    /** {@code op}: asks the peer for a credit update. */
    public static final int OP_CREDIT_REQUEST = 7;

    /** SHUTDOWN flag: the sender will not receive any more data. */
    public static final int SHUTDOWN_RCV = 1;
    /** SHUTDOWN flag: the sender will not send any more data. */
    public static final int SHUTDOWN_SEND = 2;
    /** Both SHUTDOWN flags. */
    public static final int SHUTDOWN_BOTH = SHUTDOWN_RCV | SHUTDOWN_SEND;

    /** Event id: communication was interrupted; the driver drops its connections and re-reads its CID. */
    public static final int EVENT_TRANSPORT_RESET = 0;
    /** Bytes of {@code struct virtio_vsock_event}. */
    public static final int EVENT_SIZE = 4;

    private VsockLayout() {
    }
}
