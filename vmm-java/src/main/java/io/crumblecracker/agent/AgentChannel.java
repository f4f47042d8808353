package io.crumblecracker.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One blocking byte-stream connection to the agent: a vsock stream in a VM, or a UNIX socket to an agent
 * running as a host process. The input may be read by one thread while others write the output.
 */
public interface AgentChannel extends AutoCloseable {

    /** Bytes from the agent; -1 at end of stream. */
    InputStream input();

    /** Bytes to the agent. */
    OutputStream output();

    /** Closes both directions; a blocked reader sees end of stream or an {@link IOException}. Idempotent. */
    @Override
    void close();
}
