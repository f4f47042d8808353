package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.ForeignEventFd;
import io.crumblecracker.virtio.device.VirtioInterrupt;
import java.util.List;

/**
 * How a device behind vhost-user notifies its driver (vhost-user spec, SET_VRING_CALL and SET_VRING_ERR):
 * a used-buffer notification writes the ring's call eventfd, which the front-end turns into the guest's
 * interrupt; DEVICE_NEEDS_RESET writes every ring's error eventfd. Configuration-change notifications need
 * the back-end request channel, which this backend does not offer; they are logged.
 *
 * <p>Thread safety: any thread; never blocks (the descriptors are non-blocking).
 */
final class VhostInterrupt implements VirtioInterrupt {

    private static final System.Logger LOG = System.getLogger(VhostInterrupt.class.getName());

    private final String name;
    private final List<Vring> rings;

    VhostInterrupt(final String name, final List<Vring> rings) {
        this.name = name;
        this.rings = List.copyOf(rings);
    }

    @Override
    public void signalUsedBuffers(final int queueIndex) {
        if (queueIndex < 0 || queueIndex >= rings.size()) {
            return;
        }
        final ForeignEventFd call = rings.get(queueIndex).call();
        if (call != null) {
            call.signal();
        }
    }

    @Override
    public void signalConfigChange() {
        LOG.log(System.Logger.Level.WARNING, "{0}: configuration change not sent: no back-end request channel",
                name);
    }

    @Override
    public void signalNeedsReset() {
        LOG.log(System.Logger.Level.WARNING, "{0}: device needs reset (a queue is broken); signalling the error "
                + "eventfds", name);
        for (final Vring ring : rings) {
            final ForeignEventFd err = ring.err();
            if (err != null) {
                err.signal();
            }
        }
    }
}
