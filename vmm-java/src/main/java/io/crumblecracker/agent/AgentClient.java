package io.crumblecracker.agent;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host's handle on one guest agent: processes, file operations and shutdown, over connections from one
 * {@link AgentTransport}. {@link #close()} ends every connection it opened (processes then get SIGKILL
 * from the agent).
 *
 * <p>Thread safety: safe for concurrent use; each process and each open file has its own connection.
 */
public final class AgentClient implements AutoCloseable {
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private final AgentConnector connector;
    private final ConnectionPool pool;
    private final FileClient files;
    private final String name;
    private final FailureTranslator translator;

    /** A client for the agent behind {@code transport}; {@code name} labels its threads. */
    public AgentClient(final AgentTransport transport, final String name) {
        this(transport, name, FailureTranslator.none());
    }

    /** A client whose broken connections are reported as {@code translator} decides. */
    public AgentClient(final AgentTransport transport, final String name, final FailureTranslator translator) {
        this.connector = new AgentConnector(transport, translator);
        this.pool = new ConnectionPool(connector);
        this.files = new FileClient(connector, pool, translator);
        this.translator = translator;
        this.name = name;
    }

    /** File operations in the guest. */
    public GuestFileOperations files() {
        return files;
    }

    /**
     * Starts a process.
     *
     * @throws AgentException if the guest could not start it; its errno says why (ENOENT: no such program)
     */
    public ExecSession exec(final ExecRequest request) throws IOException {
        return ExecSession.start(connector, pool, request, name + "-exec" + SESSIONS.incrementAndGet(), translator);
    }

    /** Sends {@code signal} to guest process {@code pid} (from a connection of its own). */
    public void kill(final int pid, final int signal) throws IOException {
        files.kill(pid, signal);
    }

    /** One round trip; proves the agent serves requests. */
    public void ping() throws IOException {
        files.ping();
    }

    /** Asks the agent to stop every process, sync and reset the VM. */
    public void shutdown() throws IOException {
        files.shutdown();
    }

    /** Closes every connection. */
    @Override
    public void close() {
        pool.close();
    }
}
