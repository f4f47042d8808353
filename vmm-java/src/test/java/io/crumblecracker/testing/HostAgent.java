package io.crumblecracker.testing;

import io.crumblecracker.agent.AgentClient;
import io.crumblecracker.agent.UnixSocketTransport;
import io.crumblecracker.runtime.AgentBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real guest agent ({@code crumble-agent}, as packaged in this build) running as a host process on a
 * UNIX socket: the protocol end to end without a VM. It runs as this user, so it serves this host's file
 * system and runs this host's programs.
 */
public final class HostAgent implements AutoCloseable {
    private static final Duration START_WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final Path directory;
    private final Path socket;

    private HostAgent(final Process process, final Path directory, final Path socket) {
        this.process = process;
        this.directory = directory;
        this.socket = socket;
    }

    /** Starts the agent and waits for its socket. */
    public static HostAgent start() throws IOException, InterruptedException {
        final Path dir = Files.createTempDirectory("crumble-host-agent");
        final Path socket = dir.resolve("agent.sock");
        final Process process = new ProcessBuilder(AgentBinary.file().toString(), "--listen-unix", socket.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        final long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the agent did not start listening on " + socket + ": "
                        + Files.readString(dir.resolve("agent.log")));
            }
            Thread.sleep(5);
        }
        return new HostAgent(process, dir, socket);
    }

    /** The agent's socket. */
    public Path socket() {
        return socket;
    }

    /** A scratch directory next to the socket (on this host's file system, which the agent serves). */
    public Path directory() {
        return directory;
    }

    /** True while the agent process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** A new client of this agent. */
    public AgentClient client() {
        return new AgentClient(new UnixSocketTransport(socket), "host-agent");
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
