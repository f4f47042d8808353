package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.FileDescriptors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One received front-end request: its validated header, its payload (at most
 * {@link MessageHeader#MAX_PAYLOAD} bytes) and the file descriptors that came with it (vhost-user spec,
 * "Communication": SET_MEM_TABLE, SET_VRING_KICK/CALL/ERR carry descriptors in {@code SCM_RIGHTS}).
 *
 * <p>The message owns its descriptors until a handler {@linkplain #takeFd takes} one; {@link #close}
 * closes every descriptor not taken, so a refused or unexpected descriptor never leaks.
 *
 * <p>Not thread safe: one connection thread owns it.
 */
final class VhostUserMessage implements AutoCloseable {

    private final MessageHeader header;
    private final byte[] payload;
    private final int[] fds;

    VhostUserMessage(final MessageHeader header, final byte[] payload, final int[] fds) {
        this.header = header;
        this.payload = payload;
        this.fds = fds.clone();
    }

    /** The request code. */
    int request() {
        return header.request();
    }

    /** The request's name and code, for messages. */
    String name() {
        return VhostUserRequest.name(header.request());
    }

    /** True if the front-end set NEED_REPLY. */
    boolean needsReply() {
        return header.needsReply();
    }

    /** The payload size. */
    int size() {
        return payload.length;
    }

    /** The payload as a little-endian buffer positioned at 0. */
    ByteBuffer payload() {
        return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer()
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The payload as a single u64, which must be exactly 8 bytes. */
    long u64() throws VhostUserException {
        expectSize(Long.BYTES);
        return payload().getLong(0);
    }

    /** Fails unless the payload is exactly {@code expected} bytes. */
    void expectSize(final int expected) throws VhostUserException {
        if (payload.length != expected) {
            throw new VhostUserException(name() + ": size=" + payload.length + ", expected " + expected);
        }
    }

    /** Fails unless exactly {@code expected} descriptors came with the message. */
    void expectFds(final int expected) throws VhostUserException {
        if (fds.length != expected) {
            throw new VhostUserException(name() + ": fds=" + fds.length + ", expected " + expected);
        }
    }

    /** The number of descriptors that came with the message. */
    int fdCount() {
        return fds.length;
    }

    /** Takes descriptor {@code index}: the caller now owns (and must close) it. */
    int takeFd(final int index) {
        final int fd = fds[index];
        if (fd < 0) {
            throw new IllegalStateException(name() + ": descriptor " + index + " was already taken");
        }
        fds[index] = -1;
        return fd;
    }

    /** Closes every descriptor that was not taken. */
    @Override
    public void close() {
        for (int i = 0; i < fds.length; i++) {
            FileDescriptors.closeQuietly(fds[i]);
            fds[i] = -1;
        }
    }

    @Override
    public String toString() {
        return name() + "[flags=0x" + Integer.toHexString(header.flags()) + " size=" + payload.length + " fds="
                + Arrays.toString(fds) + "]";
    }
}
