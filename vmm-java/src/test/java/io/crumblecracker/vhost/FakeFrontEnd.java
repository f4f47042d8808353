package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.UnixSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/** The front-end side of a vhost-user connection, as a test drives it: requests out, replies in. */
final class FakeFrontEnd implements AutoCloseable {

    private final UnixSocket socket;

    FakeFrontEnd(final Path path) {
        this.socket = UnixSocket.connect(path);
    }

    /** Sends a request with descriptors. */
    void send(final int request, final int flags, final byte[] payload, final int... fds) {
        final byte[] wire = Frames.wire(request, flags, payload);
        socket.send(wire, 0, wire.length, fds);
    }

    /** Sends a request that wants an acknowledgement and returns the acknowledgement's value. */
    long sendAcked(final int request, final byte[] payload, final int... fds) {
        send(request, Frames.V1_NEED_REPLY, payload, fds);
        return Frames.replyU64(reply(), request);
    }

    /** Reads one whole reply (header and payload), or {@code null} at end of stream. */
    byte[] reply() {
        final byte[] header = readFully(MessageHeader.SIZE);
        if (header == null) {
            return null;
        }
        final int size = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        final byte[] payload = readFully(size);
        final byte[] whole = Arrays.copyOf(header, MessageHeader.SIZE + size);
        System.arraycopy(payload, 0, whole, MessageHeader.SIZE, size);
        return whole;
    }

    /** True if the backend closed the connection (the next read sees end of stream). */
    boolean isClosedByPeer() {
        return socket.receive(new byte[1], 0, 1).bytes() == 0;
    }

    private byte[] readFully(final int length) {
        final byte[] bytes = new byte[length];
        int filled = 0;
        while (filled < length) {
            final UnixSocket.Received received = socket.receive(bytes, filled, length - filled);
            if (received.bytes() == 0) {
                return filled == 0 ? null : Arrays.copyOf(bytes, filled);
            }
            filled += received.bytes();
        }
        return bytes;
    }

    @Override
    public void close() {
        socket.shutdown();
        socket.close();
    }
}
