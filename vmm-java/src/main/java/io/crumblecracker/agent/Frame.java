package io.crumblecracker.agent;

/**
 * One received frame: its type and a reader over its body. The body shares the connection's buffer and is
 * valid until the next {@link FrameConnection#receive()}.
 */
public record Frame(int type, BodyReader body) {

    /**
     * Throws the agent's error if this is ERROR, or a {@link ProtocolException} unless it is {@code expected}.
     *
     * @return this frame's body
     */
    public BodyReader expect(final int expected) throws AgentException {
        if (type == expected) {
            return body;
        }
        if (type == FrameType.ERROR) {
            throw error();
        }
        throw new ProtocolException("expected " + FrameType.name(expected) + ", got " + FrameType.name(type));
    }

    /** The agent's error carried by an ERROR frame. */
    public AgentException error() throws ProtocolException {
        final int errno = body.u32();
        final String message = body.str();
        body.end();
        return new AgentException(errno, message);
    }
}
