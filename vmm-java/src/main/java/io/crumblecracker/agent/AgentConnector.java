package io.crumblecracker.agent;

import java.io.IOException;

/**
 * Opens framed connections to an agent and performs the handshake (docs/agent-protocol.md, "Handshake"):
 * the host's HELLO with magic and version, the agent's HELLO back.
 */
public final class AgentConnector {
    private final AgentTransport transport;
    private final FailureTranslator translator;

    /** Connects through {@code transport}; a connection that fails is reported as {@code translator} says. */
    public AgentConnector(final AgentTransport transport, final FailureTranslator translator) {
        this.transport = transport;
        this.translator = translator;
    }

    /** A new connection, handshake done. */
    public FrameConnection connect() throws IOException {
        return connect(0, null);
    }

    /**
     * A new connection whose first request leaves together with the host's HELLO (the agent reads frames in
     * order, so this saves a round trip); returns once the agent's HELLO is read, before its reply to
     * {@code firstType}.
     */
    public FrameConnection connect(final int firstType, final BodyWriter firstRequest) throws IOException {
        try {
            return handshake(firstType, firstRequest);
        } catch (final AgentException e) {
            throw e;
        } catch (final IOException e) {
            throw translator.translate(e);
        }
    }

    private FrameConnection handshake(final int firstType, final BodyWriter firstRequest) throws IOException {
        final FrameConnection connection = new FrameConnection(transport.open());
        try {
            final BodyWriter hello = new BodyWriter(8).u32(Wire.MAGIC).u16(Wire.VERSION).u16(0);
            if (firstRequest == null) {
                connection.send(FrameType.HELLO, hello);
            } else {
                connection.queue(FrameType.HELLO, hello);
                connection.send(firstType, firstRequest);
            }
            final BodyReader reply = connection.receive().expect(FrameType.HELLO);
            final int magic = reply.u32();
            final int version = reply.u16();
            reply.u16();
            reply.str();
            reply.end();
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

    /** The exception to report for {@code failure} (a connection that broke or could not be made). */
    public IOException translate(final IOException failure) {
        return failure instanceof AgentException ? failure : translator.translate(failure);
    }

    /** Where connections go, for messages. */
    public String describe() {
        return transport.toString();
    }
}
