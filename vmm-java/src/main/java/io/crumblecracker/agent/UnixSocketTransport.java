package io.crumblecracker.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Connections to an agent running as a host process ({@code crumble-agent --listen-unix PATH}), for tests
 * and for measuring the protocol without a VM.
 */
public final class UnixSocketTransport implements AgentTransport {
    private final UnixDomainSocketAddress address;

    /** Connects to the agent listening on {@code socket}. */
    public UnixSocketTransport(final Path socket) {
        this.address = UnixDomainSocketAddress.of(socket);
    }

    @Override
    public AgentChannel open() throws IOException {
        final SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(address);
        } catch (final IOException e) {
            socket.close();
            throw e;
        }
        final InputStream in = Channels.newInputStream(socket);
        final OutputStream out = Channels.newOutputStream(socket);
        return new AgentChannel() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public void close() {
                try {
                    socket.close();
                } catch (final IOException ignored) {
                    // Closing a socket twice or after a reset is not an error worth reporting.
                }
            }
        };
    }

    @Override
    public String toString() {
        return "unix:" + address.getPath();
    }
}
