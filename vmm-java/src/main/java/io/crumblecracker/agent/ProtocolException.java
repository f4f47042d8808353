package io.crumblecracker.agent;

/** The peer broke the agent protocol (a malformed or unexpected frame); the connection is unusable. */
public final class ProtocolException extends AgentException {
    private static final long serialVersionUID = 1L;

    /** A violation described by {@code message}. */
    public ProtocolException(final String message) {
        super(Wire.EPROTO, "agent protocol violation: " + message);
    }
}
