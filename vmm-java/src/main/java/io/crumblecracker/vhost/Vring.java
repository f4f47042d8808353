package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.ForeignEventFd;
import io.crumblecracker.vhost.Payloads.VringAddress;

/**
 * What the front-end told the backend about one vring (vhost-user spec, "Ring states"): size, user-space
 * addresses, the index to resume from, and its kick, call and error descriptors.
 *
 * <p>A ring is <em>started</em> by SET_VRING_KICK and stopped by GET_VRING_BASE; it is <em>enabled</em> by
 * SET_VRING_ENABLE, or from the start when VHOST_USER_F_PROTOCOL_FEATURES was not negotiated. The backend
 * processes a ring only when it is both.
 *
 * <p>Thread safety: the connection thread changes everything while the ring worker is stopped, except the
 * call and error descriptors, which are replaced on the fly and read by any thread (volatile; a replaced
 * descriptor is closed, and signalling a closed one is a no-op).
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html#ring-states">vhost-user: Ring
 *      states</a>
 */
final class Vring {

    private final int index;
    private int size;
    private VringAddress address;
    private int availBase;
    private int usedBase;
    private boolean started;
    private boolean enabled;
    private ForeignEventFd kick;
    private volatile ForeignEventFd call;
    private volatile ForeignEventFd err;

    Vring(final int index, final int maxSize) {
        this.index = index;
        this.size = maxSize;
    }

    int index() {
        return index;
    }

    int size() {
        return size;
    }

    void setSize(final int queueSize) {
        this.size = queueSize;
    }

    VringAddress address() {
        return address;
    }

    void setAddress(final VringAddress ringAddress) {
        this.address = ringAddress;
    }

    int availBase() {
        return availBase;
    }

    int usedBase() {
        return usedBase;
    }

    /** Where processing resumes: the next available index to read and used index to write. */
    void setBase(final int avail, final int used) {
        this.availBase = avail & 0xFFFF;
        this.usedBase = used & 0xFFFF;
    }

    boolean isStarted() {
        return started;
    }

    boolean isEnabled() {
        return enabled;
    }

    void setEnabled(final boolean isEnabled) {
        this.enabled = isEnabled;
    }

    /** True if the worker should process this ring. */
    boolean isRunning() {
        return started && enabled;
    }

    /** The kick descriptor, or {@code null} when the front-end chose polling. */
    ForeignEventFd kick() {
        return kick;
    }

    /** Starts the ring with {@code kickFd} (ownership taken), or in polling mode if {@code null}. */
    void start(final ForeignEventFd kickFd) {
        closeQuietly(kick);
        this.kick = kickFd;
        this.started = true;
    }

    /** Stops the ring and drops its kick and call descriptors, as GET_VRING_BASE asks. */
    void stop() {
        started = false;
        closeQuietly(kick);
        kick = null;
        replaceCall(null);
    }

    ForeignEventFd call() {
        return call;
    }

    /** Installs a new call descriptor (or none), closing the previous one. */
    void replaceCall(final ForeignEventFd callFd) {
        final ForeignEventFd previous = call;
        call = callFd;
        closeQuietly(previous);
    }

    ForeignEventFd err() {
        return err;
    }

    /** Installs a new error descriptor (or none), closing the previous one. */
    void replaceErr(final ForeignEventFd errFd) {
        final ForeignEventFd previous = err;
        err = errFd;
        closeQuietly(previous);
    }

    /** Stops the ring and closes every descriptor; back to the state after construction but for the size. */
    void release() {
        stop();
        replaceErr(null);
        address = null;
        availBase = 0;
        usedBase = 0;
        enabled = false;
    }

    @Override
    public String toString() {
        return "Vring[" + index + " size=" + size + " started=" + started + " enabled=" + enabled + " base="
                + availBase + "/" + usedBase + "]";
    }

    private static void closeQuietly(final ForeignEventFd fd) {
        if (fd != null) {
            fd.close();
        }
    }
}
