package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.FileDescriptors;
import io.crumblecracker.kvm.sys.UnixSocket;
import java.io.IOException;
import java.util.Arrays;

/**
 * Frames vhost-user requests off a {@link MessageChannel} (vhost-user spec, "Message Specification"):
 * reads the 12-byte header, validates it ({@link MessageHeader#decode}), then reads exactly the payload.
 * Descriptors that arrive with any part of the message belong to it.
 *
 * <p>Hostile input ends in a {@link VhostUserException} with every received descriptor closed: end of
 * stream inside a header or payload, a bad header, more than {@link #MAX_FDS} descriptors, or descriptors
 * the kernel had to truncate.
 *
 * <p>Not thread safe: the connection's thread owns it.
 */
final class MessageReader {

    /** The most descriptors one request may carry (SET_MEM_TABLE's eight regions). */
    static final int MAX_FDS = 8;

    private final MessageChannel channel;
    private final byte[] header = new byte[MessageHeader.SIZE];
    private int[] fds = new int[0];
    private boolean truncated;

    MessageReader(final MessageChannel channel) {
        this.channel = channel;
    }

    /**
     * Reads the next request.
     *
     * @return the message, or {@code null} if the front-end closed the connection between messages
     */
    VhostUserMessage read() throws IOException {
        fds = new int[0];
        truncated = false;
        try {
            final int got = fill(header);
            if (got == 0) {
                closeFds();
                return null;
            }
            if (got < MessageHeader.SIZE) {
                throw new VhostUserException("connection closed inside a message header after " + got + " bytes");
            }
            final MessageHeader decoded = MessageHeader.decode(header);
            final byte[] payload = new byte[decoded.size()];
            final int read = fill(payload);
            if (read < payload.length) {
                throw new VhostUserException(VhostUserRequest.name(decoded.request()) + ": connection closed after "
                        + read + " of " + payload.length + " payload bytes");
            }
            checkFds(decoded);
            final VhostUserMessage message = new VhostUserMessage(decoded, payload, fds);
            fds = new int[0];
            return message;
        } catch (final IOException | RuntimeException e) {
            closeFds();
            throw e;
        }
    }

    private void checkFds(final MessageHeader decoded) throws VhostUserException {
        if (truncated) {
            throw new VhostUserException(VhostUserRequest.name(decoded.request())
                    + ": the kernel truncated the descriptors sent (more than " + UnixSocket.MAX_FDS + ")");
        }
        if (fds.length > MAX_FDS) {
            throw new VhostUserException(VhostUserRequest.name(decoded.request()) + ": fds=" + fds.length
                    + " exceeds " + MAX_FDS);
        }
    }

    /** Reads until {@code dst} is full or the stream ends; returns the bytes read. */
    private int fill(final byte[] dst) throws IOException {
        int filled = 0;
        while (filled < dst.length) {
            final UnixSocket.Received received = channel.receive(dst, filled, dst.length - filled);
            collect(received);
            if (received.bytes() == 0) {
                return filled;
            }
            filled += received.bytes();
        }
        return filled;
    }

    private void collect(final UnixSocket.Received received) {
        truncated |= received.controlTruncated();
        if (received.fds().length > 0) {
            final int base = fds.length;
            fds = Arrays.copyOf(fds, base + received.fds().length);
            System.arraycopy(received.fds(), 0, fds, base, received.fds().length);
        }
    }

    private void closeFds() {
        for (final int fd : fds) {
            FileDescriptors.closeQuietly(fd);
        }
        fds = new int[0];
    }
}
