package io.crumblecracker.virtio.net;

import java.nio.ByteBuffer;

/**
 * The host side of a network device: takes the Ethernet frames the guest transmits. Frames travel the
 * other way through {@link NetDevice#receive}.
 *
 * <p>Called under the device's lock on the thread that processes the device's queues; must not block for
 * long. It may call {@link NetDevice#receive} (a loopback does).
 */
@FunctionalInterface
public interface NetBackend {

    /**
     * Sends one frame, without its virtio header: the bytes from {@code frame}'s position to its limit. The
     * buffer is the device's and is reused: copy what must outlive the call.
     */
    void send(ByteBuffer frame);

    /**
     * Told that the guest took backlogged frames after {@link NetDevice#receive} refused one, so the host
     * may push again. The default does nothing.
     */
    default void onReceiveSpace() {
    }
}
