package io.crumblecracker.agent;

import io.crumblecracker.virtio.vsock.VsockBackend;
import io.crumblecracker.virtio.vsock.VsockListener;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The host end of the agent's READY connection (docs/agent-protocol.md, "Ready and the clock"): accepts
 * the agent's connection to host port {@link Wire#READY_PORT}, reads READY, answers CLOCK with the host's
 * time. Only the first connection is accepted; any other port is refused.
 */
public final class ReadyHandshake implements VsockBackend {
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(10);

    private final CompletableFuture<AgentReady> ready = new CompletableFuture<>();
    private final AtomicBoolean accepted = new AtomicBoolean();
    private volatile FrameConnection connection;

    /** Completes with the agent's report, or exceptionally if its connection broke the protocol. */
    public CompletableFuture<AgentReady> ready() {
        return ready;
    }

    @Override
    public VsockListener accept(final int hostPort, final int guestPort) {
        if (hostPort != Wire.READY_PORT || !accepted.compareAndSet(false, true)) {
            return null;
        }
        final VsockChannel channel = new VsockChannel();
        Thread.ofVirtual().name("agent-ready").start(() -> serve(channel));
        return channel;
    }

    /** Closes the READY connection (the agent ignores that). */
    public void close() {
        final FrameConnection c = connection;
        if (c != null) {
            c.close();
        }
    }

    private void serve(final VsockChannel channel) {
        try {
            channel.awaitConnected(CONNECT_WAIT);
            final FrameConnection c = new FrameConnection(channel);
            connection = c;
            final BodyReader body = c.receive().expect(FrameType.READY);
            final int version = body.u16();
            body.u16();
            final String release = body.str();
            final long bootNanos = body.u64();
            body.end();
            if (version != Wire.VERSION) {
                throw new ProtocolException("READY from an agent speaking version " + version + "; this host speaks "
                        + Wire.VERSION);
            }
            final Instant now = Instant.now();
            c.send(FrameType.CLOCK, new BodyWriter(16).u64(now.getEpochSecond()).u32(now.getNano()));
            ready.complete(new AgentReady(release, Duration.ofNanos(Math.max(0, bootNanos))));
        } catch (final IOException | RuntimeException e) {
            ready.completeExceptionally(e);
            channel.close();
        }
    }
}
