package io.crumblecracker.virtio.testing;

import io.crumblecracker.virtio.net.NetBackend;
import io.crumblecracker.virtio.net.NetDevice;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link NetBackend} for tests: records a copy of every frame the guest sends and, once
 * {@link #connect connected}, echoes it straight back into the device as a received frame.
 */
public final class LoopbackNetBackend implements NetBackend {

    private final List<byte[]> sent = new ArrayList<>();
    private final List<Boolean> echoed = new ArrayList<>();
    private NetDevice device;
    private int spaceSignals;

    /** Echoes later frames into {@code target} ({@code null} to stop echoing). */
    public void connect(final NetDevice target) {
        this.device = target;
    }

    @Override
    public void send(final ByteBuffer frame) {
        final byte[] copy = new byte[frame.remaining()];
        frame.get(frame.position(), copy);
        sent.add(copy);
        if (device != null) {
            echoed.add(device.receive(frame));
        }
    }

    @Override
    public void onReceiveSpace() {
        spaceSignals++;
    }

    /** Every frame sent so far, in order. */
    public List<byte[]> sent() {
        return List.copyOf(sent);
    }

    /** What {@link NetDevice#receive} answered for each echo. */
    public List<Boolean> echoed() {
        return List.copyOf(echoed);
    }

    /** How often the device said the backlog has room again. */
    public int spaceSignals() {
        return spaceSignals;
    }
}
