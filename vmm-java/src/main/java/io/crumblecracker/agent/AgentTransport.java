package io.crumblecracker.agent;

import java.io.IOException;

/** Opens connections to one agent. */
@FunctionalInterface
public interface AgentTransport {

    /**
     * Opens a new connection.
     *
     * @throws java.net.ConnectException if the agent does not accept it (not listening, VM gone)
     */
    AgentChannel open() throws IOException;
}
