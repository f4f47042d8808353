package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.NativeException;
import io.crumblecracker.kvm.sys.UnixSocket;
import java.io.IOException;

/**
 * A byte stream that carries file descriptors: the vhost-user connection as the message layer sees it.
 * Production uses a {@link UnixSocket}; parser tests use an in-memory fake.
 *
 * <p>Thread safety: one receiving thread; sends may come from any thread.
 */
interface MessageChannel extends AutoCloseable {

    /** One read of up to {@code length} bytes; 0 bytes means the peer closed. */
    UnixSocket.Received receive(byte[] dst, int offset, int length) throws IOException;

    /** Sends all of {@code bytes}. */
    void send(byte[] bytes) throws IOException;

    /** Wakes a blocked {@link #receive}, which then reports end of stream. */
    void shutdown();

    @Override
    void close();

    /** The channel over a connected socket; native failures become {@link IOException}s. */
    static MessageChannel of(final UnixSocket socket) {
        return new MessageChannel() {
            @Override
            public UnixSocket.Received receive(final byte[] dst, final int offset, final int length)
                    throws IOException {
                try {
                    return socket.receive(dst, offset, length);
                } catch (final NativeException | IllegalStateException e) {
                    throw new IOException("vhost-user socket receive failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void send(final byte[] bytes) throws IOException {
                try {
                    socket.send(bytes, 0, bytes.length);
                } catch (final NativeException | IllegalStateException e) {
                    throw new IOException("vhost-user socket send failed: " + e.getMessage(), e);
                }
            }

            @Override
            public void shutdown() {
                socket.shutdown();
            }

            @Override
            public void close() {
                socket.close();
            }
        };
    }
}
