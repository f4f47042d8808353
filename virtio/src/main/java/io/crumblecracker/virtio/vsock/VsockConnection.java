package io.crumblecracker.virtio.vsock;

import java.nio.ByteBuffer;

/**
 * One stream connection between a guest port and a host port (virtio 1.2 §5.10.6.5), as the host sees
 * it: a non-blocking, socket-like handle over two bounded buffers, one each way.
 *
 * <p>{@link #write} queues bytes for the guest; the device sends them as the guest's credit and receive
 * buffers allow (§5.10.6.3), and {@link VsockListener#onWritable} follows a short write. {@link #read}
 * takes what the guest sent, which frees credit for it; {@link VsockListener#onReadable} says when there
 * is some. Neither ever blocks, and neither buffer grows.
 *
 * <p>Thread safety: every method locks the device, so host threads may call them at any time; the work
 * they cause (packets to the guest) happens before they return, if the guest has receive buffers.
 */
public final class VsockConnection {

    /** Where a connection stands. */
    public enum State {
        /** The host sent REQUEST; the guest has not answered. */
        CONNECTING,
        /** Data flows both ways (unless shut down). */
        ESTABLISHED,
        /** The host closed: its queued data drains, then SHUTDOWN; the guest's RST ends it. */
        CLOSING,
        /** Gone. Data the guest sent before stays readable. */
        CLOSED
    }

    private final VsockDevice device;
    private final VsockFlow flow;

    VsockConnection(final VsockDevice device, final VsockFlow flow) {
        this.device = device;
        this.flow = flow;
    }

    /** The guest's port. */
    public int guestPort() {
        return flow.guestPort();
    }

    /** The host's port. */
    public int hostPort() {
        return flow.hostPort();
    }

    /** The current state. */
    public State state() {
        synchronized (device) {
            return flow.state();
        }
    }

    /**
     * Queues as much of {@code src} as the outgoing buffer has room for, advancing its position.
     *
     * @return the bytes taken (possibly 0), or -1 if the connection is closing or closed, the host shut
     *         down output, or the guest will not receive
     */
    public int write(final ByteBuffer src) {
        synchronized (device) {
            final int taken = flow.write(src);
            device.flush();
            return taken;
        }
    }

    /**
     * Moves bytes the guest sent into {@code dst}, advancing its position.
     *
     * @return the bytes moved (0 if none is waiting), or -1 at end of stream: nothing is buffered and the
     *         guest shut down sending, or the connection is closed
     */
    public int read(final ByteBuffer dst) {
        synchronized (device) {
            final int moved = flow.read(dst);
            device.flush();
            return moved;
        }
    }

    /** Bytes from the guest waiting to be read. */
    public int readable() {
        synchronized (device) {
            return flow.readable();
        }
    }

    /** Room left in the outgoing buffer. */
    public int writable() {
        synchronized (device) {
            return flow.writable();
        }
    }

    /** Half-closes: once the queued bytes have gone, SHUTDOWN(SEND) tells the guest no more will come. */
    public void shutdownOutput() {
        synchronized (device) {
            flow.shutdownOutput();
            device.flush();
        }
    }

    /**
     * Closes cleanly: queued bytes drain, then SHUTDOWN with both flags, and {@link VsockListener#onClosed}
     * follows the guest's RST. If the guest never answers, {@link #abort} ends it (§5.10.6.5 leaves the wait
     * to the implementation). A connection still connecting is aborted.
     */
    public void close() {
        synchronized (device) {
            flow.close();
            device.flush();
        }
    }

    /** Resets at once: queued bytes are discarded and the guest gets RST. */
    public void abort() {
        synchronized (device) {
            flow.reset();
            device.flush();
        }
    }

    @Override
    public String toString() {
        return "VsockConnection[guestPort=" + Integer.toUnsignedString(guestPort()) + " hostPort="
                + Integer.toUnsignedString(hostPort()) + "]";
    }
}
