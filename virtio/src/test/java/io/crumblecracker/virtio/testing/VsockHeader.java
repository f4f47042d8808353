package io.crumblecracker.virtio.testing;

import io.crumblecracker.memory.GuestMemory;

/**
 * A {@code virtio_vsock_hdr} (virtio 1.2 §5.10.6) as a test value: written into guest memory for the
 * device to parse, or read back from a receive buffer the device filled.
 */
public record VsockHeader(long srcCid, long dstCid, int srcPort, int dstPort, int len, int type, int op, int flags,
        int bufAlloc, int fwdCnt) {

    /** Bytes of the header. */
    public static final int SIZE = 44;

    /** A STREAM header from {@code guestCid:guestPort} to host (CID 2) {@code hostPort}, len 0, no credit. */
    public static VsockHeader fromGuest(final long guestCid, final int guestPort, final int hostPort, final int op) {
        return new VsockHeader(guestCid, 2, guestPort, hostPort, 0, 1, op, 0, 0, 0);
    }

    /** Reads the header at {@code address}. */
    public static VsockHeader read(final GuestMemory memory, final long address) {
        return new VsockHeader(memory.readU64(address), memory.readU64(address + 8), memory.readU32(address + 16),
                memory.readU32(address + 20), memory.readU32(address + 24), memory.readU16(address + 28),
                memory.readU16(address + 30), memory.readU32(address + 32), memory.readU32(address + 36),
                memory.readU32(address + 40));
    }

    /** Writes this header at {@code address}. */
    public void write(final GuestMemory memory, final long address) {
        memory.writeU64(address, srcCid);
        memory.writeU64(address + 8, dstCid);
        memory.writeU32(address + 16, srcPort);
        memory.writeU32(address + 20, dstPort);
        memory.writeU32(address + 24, len);
        memory.writeU16(address + 28, type);
        memory.writeU16(address + 30, op);
        memory.writeU32(address + 32, flags);
        memory.writeU32(address + 36, bufAlloc);
        memory.writeU32(address + 40, fwdCnt);
    }

    /** This header with {@code len} replaced. */
    public VsockHeader withLen(final int value) {
        return new VsockHeader(srcCid, dstCid, srcPort, dstPort, value, type, op, flags, bufAlloc, fwdCnt);
    }

    /** This header with {@code op} replaced. */
    public VsockHeader withOp(final int value) {
        return new VsockHeader(srcCid, dstCid, srcPort, dstPort, len, type, value, flags, bufAlloc, fwdCnt);
    }

    /** This header with {@code type} replaced. */
    public VsockHeader withType(final int value) {
        return new VsockHeader(srcCid, dstCid, srcPort, dstPort, len, value, op, flags, bufAlloc, fwdCnt);
    }

    /** This header with {@code flags} replaced. */
    public VsockHeader withFlags(final int value) {
        return new VsockHeader(srcCid, dstCid, srcPort, dstPort, len, type, op, value, bufAlloc, fwdCnt);
    }

    /** This header with the CIDs replaced. */
    public VsockHeader withCids(final long src, final long dst) {
        return new VsockHeader(src, dst, srcPort, dstPort, len, type, op, flags, bufAlloc, fwdCnt);
    }

    /** This header with {@code buf_alloc} and {@code fwd_cnt} replaced. */
    public VsockHeader withCredit(final int alloc, final int forwarded) {
        return new VsockHeader(srcCid, dstCid, srcPort, dstPort, len, type, op, flags, alloc, forwarded);
    }
}
