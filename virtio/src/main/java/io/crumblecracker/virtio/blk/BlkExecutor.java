package io.crumblecracker.virtio.blk;

import static io.crumblecracker.virtio.blk.BlkLayout.HEADER_SIZE;
import static io.crumblecracker.virtio.blk.BlkLayout.SECTOR_SHIFT;
import static io.crumblecracker.virtio.blk.BlkLayout.S_IOERR;
import static io.crumblecracker.virtio.blk.BlkLayout.S_OK;

import io.crumblecracker.virtio.queue.ChainCursor;
import io.crumblecracker.virtio.queue.ChainReader;
import io.crumblecracker.virtio.queue.ChainWriter;
import io.crumblecracker.virtio.queue.DescriptorChain;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Executes parsed {@link BlkRequest}s against a {@link BlkBackend} (virtio 1.2 §5.2.6.1), then writes the
 * status byte last. Data moves straight between the backend and guest memory, one descriptor (at most
 * {@link #MAX_TRANSFER} bytes) at a time, through bounded views of guest memory: no host buffer is sized by
 * the guest.
 *
 * <p>Thread safety: confined to the queue's processing thread.
 */
final class BlkExecutor {

    /** The largest piece handed to the backend in one call. */
    static final long MAX_TRANSFER = 1L << 20;

    private final BlkBackend backend;
    private final byte[] id;
    private final BlkMetrics metrics;
    private final ChainReader reader = new ChainReader();
    private final ChainWriter writer = new ChainWriter();
    private final GuestByteBuffers buffers = new GuestByteBuffers();

    BlkExecutor(final BlkBackend backend, final byte[] id, final BlkMetrics metrics) {
        this.backend = backend;
        this.id = id;
        this.metrics = metrics;
    }

    /**
     * Executes {@code request}, parsed from {@code chain}, and answers it.
     *
     * @return the used length: bytes written into the chain, status byte included
     */
    int execute(final DescriptorChain chain, final BlkRequest request) {
        if (!request.hasStatusByte()) {
            metrics.onGuestError();
            return 0;
        }
        writer.wrap(chain);
        long written = 0;
        int status = request.status();
        if (status == S_OK) {
            try {
                written = perform(chain, request);
            } catch (final IOException e) {
                metrics.onIoError();
                status = S_IOERR;
                written = 0;
            }
        } else {
            metrics.onGuestError();
        }
        writer.skip(writer.remaining() - 1);
        writer.writeU8(status);
        return (int) (written + 1);
    }

    private long perform(final DescriptorChain chain, final BlkRequest request) throws IOException {
        final long offset = request.sector() << SECTOR_SHIFT;
        return switch (request.type()) {
            case BlkLayout.T_IN -> {
                transfer(writer, offset, request.dataLength(), true);
                metrics.onRead(request.dataLength());
                yield request.dataLength();
            }
            case BlkLayout.T_OUT -> {
                reader.wrap(chain).skip(HEADER_SIZE);
                transfer(reader, offset, request.dataLength(), false);
                metrics.onWrite(request.dataLength());
                yield 0;
            }
            case BlkLayout.T_FLUSH -> {
                backend.flush();
                metrics.onFlush();
                yield 0;
            }
            case BlkLayout.T_GET_ID -> {
                final int length = (int) Math.min(request.dataLength(), id.length);
                writer.write(id, 0, length);
                yield length;
            }
            default -> throw new IllegalStateException("unexpected " + request);
        };
    }

    private void transfer(final ChainCursor cursor, final long diskOffset, final long length, final boolean toGuest)
            throws IOException {
        long position = diskOffset;
        long left = length;
        while (left > 0) {
            final long want = Math.min(Math.min(left, cursor.segmentLength()), MAX_TRANSFER);
            final ByteBuffer guest = buffers.view(cursor.memory(), cursor.segmentAddress(), want);
            final long piece = guest.remaining();
            if (toGuest) {
                backend.read(position, guest);
            } else {
                backend.write(position, guest);
            }
            cursor.skip(piece);
            position += piece;
            left -= piece;
        }
    }
}
