package io.crumblecracker.virtio.vsock;

/**
 * Events of one {@link VsockConnection}, for the host code that owns it. Every method has an empty
 * default.
 *
 * <p>Called under the device's lock, on whichever thread is driving the device (a queue's processing
 * thread, or a host thread inside a {@link VsockConnection} call); must not block. Listeners may call the
 * connection's methods; the device finishes its own bookkeeping first.
 */
public interface VsockListener {

    /**
     * The connection is established: the host accepted the guest's request (the RESPONSE is on its way), or
     * the guest accepted a connection the host opened with {@link VsockDevice#connect}.
     */
    default void onConnected(final VsockConnection connection) {
    }

    /** The guest sent data: {@link VsockConnection#read} will return it. */
    default void onReadable(final VsockConnection connection) {
    }

    /** Space opened up in the outgoing buffer after a {@link VsockConnection#write} was cut short. */
    default void onWritable(final VsockConnection connection) {
    }

    /**
     * The guest sent SHUTDOWN.
     *
     * @param flags every flag the guest has sent so far ({@link VsockLayout#SHUTDOWN_RCV},
     *              {@link VsockLayout#SHUTDOWN_SEND}); they are permanent
     */
    default void onShutdown(final VsockConnection connection, final int flags) {
    }

    /**
     * The connection is gone: refused, reset by either side, or closed cleanly. Called exactly once; data the
     * guest sent before stays readable.
     */
    default void onClosed(final VsockConnection connection) {
    }
}
