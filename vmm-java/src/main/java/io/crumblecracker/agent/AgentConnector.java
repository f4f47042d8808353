package io.crumblecracker.agent;

import java.io.IOException;

/**
 * Opens framed connections to an agent and performs the handshake (docs/agent-protocol.md, "Handshake"):
 * the host's HELLO with magic and version, the agent's HELLO back.
 */
public final class AgentConnector {
    private final AgentTransport transport;

    /** Connects through {@code transport}. */
    public AgentConnector(final AgentTransport transport) {
        this.transport = transport;
    }

    /** A new connection, handshake done. */
    public FrameConnection connect() throws IOException {
        final FrameConnection connection = new FrameConnection(transport.open());
        try {
            connection.send(FrameType.HELLO, new BodyWriter(8).u32(Wire.MAGIC).u16(Wire.VERSION).u16(0));
            final BodyReader hello = connection.receive().expect(FrameType.HELLO);
            final int magic = hello.u32();
            final int version = hello.u16();
            hello.u16();
            hello.str();
            hello.end();
            if (magic != Wire.MAGIC || version != Wire.VERSION) {
                throw new ProtocolException(String.format("the agent answered magic 0x%08x version %d; this host"
                        + " speaks 0x%08x version %d", magic, version, Wire.MAGIC, Wire.VERSION));
            }
            return connection;
        } catch (final IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Where connections go, for messages. */
    public String describe() {
        return transport.toString();
    }
}
