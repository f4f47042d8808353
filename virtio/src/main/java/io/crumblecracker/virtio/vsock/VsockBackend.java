package io.crumblecracker.virtio.vsock;

/**
 * The host's listening side of a socket device: decides whether a guest's connection request to a host
 * port is accepted (virtio 1.2 §5.10.6.5).
 *
 * <p>Called under the device's lock on the thread that processes the tx queue; must not block.
 */
@FunctionalInterface
public interface VsockBackend {

    /**
     * The guest asks to connect from {@code guestPort} to {@code hostPort}.
     *
     * @return the listener for the new connection to accept it (the guest gets RESPONSE and the listener
     *         {@link VsockListener#onConnected} with the connection), or {@code null} to refuse it (the guest
     *         gets RST)
     */
    VsockListener accept(int hostPort, int guestPort);

    /** A backend that refuses every connection. */
    static VsockBackend refusing() {
        return (hostPort, guestPort) -> null;
    }
}
