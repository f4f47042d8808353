package io.crumblecracker.virtio.blk;

import static io.crumblecracker.virtio.blk.BlkLayout.HEADER_SIZE;
import static io.crumblecracker.virtio.blk.BlkLayout.SECTOR_SHIFT;
import static io.crumblecracker.virtio.blk.BlkLayout.SECTOR_SIZE;
import static io.crumblecracker.virtio.blk.BlkLayout.S_IOERR;
import static io.crumblecracker.virtio.blk.BlkLayout.S_OK;
import static io.crumblecracker.virtio.blk.BlkLayout.S_UNSUPP;

import io.crumblecracker.virtio.queue.ChainReader;
import io.crumblecracker.virtio.queue.DescriptorChain;

/**
 * One block request (virtio 1.2 §5.2.6), parsed and validated before any I/O: a reusable flyweight that
 * {@link #parse} fills from a validated {@link DescriptorChain}.
 *
 * <p>Parsing decides everything that can be decided without the disk: whether there is a status byte to
 * answer in, the request type, and for reads and writes that the header is alone in the readable part (IN)
 * or the status alone in the writable part (OUT), that the data length is a multiple of 512, that the sector
 * range lies within the capacity (with unsigned, overflow-safe arithmetic), and that a read-only disk is not
 * written. {@link #status()} is {@link BlkLayout#S_OK} only for a request that may be executed.
 *
 * <p>Thread safety: confined to the queue's processing thread.
 */
public final class BlkRequest {

    private final ChainReader reader = new ChainReader();
    private boolean hasStatusByte;
    private int type;
    private long sector;
    private long dataLength;
    private int status;

    /** Creates an empty request; fill it with {@link #parse}. */
    public BlkRequest() {
    }

    /**
     * Parses {@code chain}.
     *
     * @param chain           a validated chain
     * @param capacitySectors the disk's capacity in 512-byte sectors
     * @param readOnly        whether writes must be refused
     * @return this request
     */
    public BlkRequest parse(final DescriptorChain chain, final long capacitySectors, final boolean readOnly) {
        hasStatusByte = chain.writableLength() >= 1;
        type = -1;
        sector = 0;
        dataLength = 0;
        status = S_IOERR;
        if (!hasStatusByte || chain.readableLength() < HEADER_SIZE) {
            return this;
        }
        reader.wrap(chain);
        type = reader.readU32();
        reader.skip(4);
        sector = reader.readU64();
        status = switch (type) {
            case BlkLayout.T_IN -> parseIn(chain, capacitySectors);
            case BlkLayout.T_OUT -> parseOut(chain, capacitySectors, readOnly);
            case BlkLayout.T_FLUSH -> S_OK;
            case BlkLayout.T_GET_ID -> {
                dataLength = chain.writableLength() - 1;
                yield S_OK;
            }
            default -> S_UNSUPP;
        };
        return this;
    }

    /** True if the chain has a writable byte to put the status in; if not, it is completed with length 0. */
    public boolean hasStatusByte() {
        return hasStatusByte;
    }

    /** The request type (a {@code T_*} value), or -1 if there was no header. */
    public int type() {
        return type;
    }

    /** The first sector (unsigned; meaningful for IN and OUT). */
    public long sector() {
        return sector;
    }

    /** Bytes of data: to read (IN), to write (OUT), or room for the ID (GET_ID). */
    public long dataLength() {
        return dataLength;
    }

    /** {@link BlkLayout#S_OK} if the request may be executed, else the status to answer with at once. */
    public int status() {
        return status;
    }

    @Override
    public String toString() {
        return "BlkRequest[type=" + type + " sector=" + Long.toUnsignedString(sector) + " dataLength=" + dataLength
                + " status=" + status + " hasStatusByte=" + hasStatusByte + "]";
    }

    private int parseIn(final DescriptorChain chain, final long capacitySectors) {
        dataLength = chain.writableLength() - 1;
        if (chain.readableLength() != HEADER_SIZE) {
            return S_IOERR;
        }
        return checkRange(capacitySectors);
    }

    private int parseOut(final DescriptorChain chain, final long capacitySectors, final boolean readOnly) {
        dataLength = chain.readableLength() - HEADER_SIZE;
        if (chain.writableLength() != 1 || readOnly) {
            return S_IOERR;
        }
        return checkRange(capacitySectors);
    }

    private int checkRange(final long capacitySectors) {
        if (dataLength % SECTOR_SIZE != 0) {
            return S_IOERR;
        }
        final long sectors = dataLength >>> SECTOR_SHIFT;
        if (Long.compareUnsigned(sector, capacitySectors) > 0 || sectors > capacitySectors - sector) {
            return S_IOERR;
        }
        return S_OK;
    }
}
