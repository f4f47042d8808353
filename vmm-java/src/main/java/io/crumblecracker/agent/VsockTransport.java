package io.crumblecracker.agent;

import io.crumblecracker.virtio.vsock.VsockDevice;
import java.io.IOException;
import java.time.Duration;

/** Connections to the agent in a VM through our {@link VsockDevice}: host-initiated, to the agent's port. */
public final class VsockTransport implements AgentTransport {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private final VsockDevice device;
    private final int port;

    /** Connects to guest {@code port} through {@code device}. */
    public VsockTransport(final VsockDevice device, final int port) {
        this.device = device;
        this.port = port;
    }

    @Override
    public AgentChannel open() throws IOException {
        final VsockChannel channel = new VsockChannel();
        try {
            channel.attach(device.connect(port, channel));
        } catch (final IllegalStateException full) {
            throw new IOException("cannot open another connection to the agent: " + full.getMessage(), full);
        }
        channel.awaitConnected(CONNECT_TIMEOUT);
        return channel;
    }

    @Override
    public String toString() {
        return "vsock:cid" + device.guestCid() + ":" + port;
    }
}
