package io.crumblecracker.virtio.vsock;

import static io.crumblecracker.virtio.vsock.VsockLayout.HEADER_SIZE;

import io.crumblecracker.virtio.queue.ChainReader;
import io.crumblecracker.virtio.queue.ChainWriter;
import io.crumblecracker.virtio.queue.DescriptorChain;

/**
 * One {@code virtio_vsock_hdr} (virtio 1.2 §5.10.6): a reusable flyweight that {@link #parse} fills from a
 * guest's transmit chain and checks before anything acts on it, and that {@link #write} composes for the
 * receive queue.
 *
 * <p>Parsing reads every field once and decides, in this order: the chain holds a whole header; {@code len}
 * is at most {@link VsockLayout#MAX_PAYLOAD} and at most the readable bytes after the header (§5.10.6: the
 * buffers may be longer than {@code len}); {@code src_cid} is the guest's CID and {@code dst_cid} the
 * host's; {@code type} is STREAM; {@code op} is one of REQUEST..CREDIT_REQUEST. Packets failing the first
 * four checks are dropped; the last two name a flow and are answered with RST (§5.10.6.4).
 *
 * <p>Thread safety: confined to the device's lock.
 */
public final class VsockPacket {

    /** The verdict of {@link #parse}. */
    public enum Check {
        /** Well formed. */
        VALID(false),
        /** Fewer readable bytes than a header: dropped. */
        SHORT_HEADER(false),
        /** {@code len} above {@link VsockLayout#MAX_PAYLOAD}: dropped. */
        OVERSIZE(false),
        /** {@code len} above the readable bytes after the header: dropped. */
        TRUNCATED(false),
        /** {@code src_cid} is not the guest's CID: dropped. */
        WRONG_SOURCE(false),
        /** {@code dst_cid} is not the host's CID: dropped. */
        WRONG_DESTINATION(false),
        /** {@code type} is not STREAM: answered with RST. */
        UNKNOWN_TYPE(true),
        /** {@code op} is INVALID or unknown: answered with RST. */
        UNKNOWN_OP(true);

        private final boolean answered;

        Check(final boolean answered) {
            this.answered = answered;
        }

        /** True if the packet names a flow that must be told with RST (unless it is itself an RST). */
        public boolean answeredWithReset() {
            return answered;
        }
    }

    private final ChainReader reader = new ChainReader();
    private long srcCid;
    private long dstCid;
    private int srcPort;
    private int dstPort;
    private int len;
    private int type;
    private int op;
    private int flags;
    private int bufAlloc;
    private int fwdCnt;

    /** Creates an empty packet; fill it with {@link #parse}. */
    public VsockPacket() {
    }

    /**
     * Parses the header at the start of {@code chain}'s readable bytes and leaves {@link #payload()} at the
     * first payload byte.
     *
     * @param chain    a validated chain from the tx queue
     * @param guestCid the guest's CID
     * @return the verdict; fields are meaningful unless {@link Check#SHORT_HEADER}
     */
    public Check parse(final DescriptorChain chain, final long guestCid) {
        reader.wrap(chain);
        if (reader.remaining() < HEADER_SIZE) {
            op = VsockLayout.OP_INVALID;
            return Check.SHORT_HEADER;
        }
        srcCid = reader.readU64();
        dstCid = reader.readU64();
        srcPort = reader.readU32();
        dstPort = reader.readU32();
        len = reader.readU32();
        type = reader.readU16();
        op = reader.readU16();
        flags = reader.readU32();
        bufAlloc = reader.readU32();
        fwdCnt = reader.readU32();
        if (Integer.compareUnsigned(len, VsockLayout.MAX_PAYLOAD) > 0) {
            return Check.OVERSIZE;
        }
        if (len > reader.remaining()) {
            return Check.TRUNCATED;
        }
        if (srcCid != guestCid) {
            return Check.WRONG_SOURCE;
        }
        if (dstCid != VsockLayout.HOST_CID) {
            return Check.WRONG_DESTINATION;
        }
        if (type != VsockLayout.TYPE_STREAM) {
            return Check.UNKNOWN_TYPE;
        }
        if (op < VsockLayout.OP_REQUEST || op > VsockLayout.OP_CREDIT_REQUEST) {
            return Check.UNKNOWN_OP;
        }
        return Check.VALID;
    }

    /** The reader, positioned at the payload after a successful {@link #parse}. */
    public ChainReader payload() {
        return reader;
    }

    /** {@code src_cid}. */
    public long srcCid() {
        return srcCid;
    }

    /** {@code dst_cid}. */
    public long dstCid() {
        return dstCid;
    }

    /** {@code src_port}: the guest's port. */
    public int srcPort() {
        return srcPort;
    }

    /** {@code dst_port}: the host's port. */
    public int dstPort() {
        return dstPort;
    }

    /** {@code len}: payload bytes, at most {@link VsockLayout#MAX_PAYLOAD} once parsed as valid. */
    public int len() {
        return len;
    }

    /** {@code type}. */
    public int type() {
        return type;
    }

    /** {@code op}. */
    public int op() {
        return op;
    }

    /** {@code flags}. */
    public int flags() {
        return flags;
    }

    /** {@code buf_alloc}: the guest's receive buffer for this flow (unsigned). */
    public int bufAlloc() {
        return bufAlloc;
    }

    /** {@code fwd_cnt}: bytes the guest has consumed on this flow (free-running, unsigned). */
    public int fwdCnt() {
        return fwdCnt;
    }

    @Override
    public String toString() {
        return "VsockPacket[src=" + srcCid + ":" + Integer.toUnsignedString(srcPort) + " dst=" + dstCid + ":"
                + Integer.toUnsignedString(dstPort) + " len=" + Integer.toUnsignedString(len) + " type=" + type
                + " op=" + op + " flags=" + flags + " bufAlloc=" + Integer.toUnsignedString(bufAlloc)
                + " fwdCnt=" + Integer.toUnsignedString(fwdCnt) + "]";
    }

    /**
     * Writes a header from the host to the guest, STREAM type, at {@code writer}'s position.
     *
     * @param writer   positioned at the start of a receive chain with at least {@link VsockLayout#HEADER_SIZE}
     *                 bytes left
     * @param guestCid the destination CID
     * @param hostPort the source port
     * @param guestPort the destination port
     * @param op       the operation
     * @param flags    SHUTDOWN flags, else 0
     * @param length   payload bytes that will follow
     * @param bufAlloc the host's receive buffer for this flow
     * @param fwdCnt   bytes the host has consumed on this flow
     */
    static void write(final ChainWriter writer, final long guestCid, final int hostPort, final int guestPort,
            final int op, final int flags, final int length, final int bufAlloc, final int fwdCnt) {
        writer.writeU64(VsockLayout.HOST_CID);
        writer.writeU64(guestCid);
        writer.writeU32(hostPort);
        writer.writeU32(guestPort);
        writer.writeU32(length);
        writer.writeU16(VsockLayout.TYPE_STREAM);
        writer.writeU16(op);
        writer.writeU32(flags);
        writer.writeU32(bufAlloc);
        writer.writeU32(fwdCnt);
    }
}
