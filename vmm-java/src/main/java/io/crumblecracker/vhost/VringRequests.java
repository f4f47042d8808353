package io.crumblecracker.vhost;

import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.virtio.queue.RingLayout;
import io.crumblecracker.vhost.Payloads.VringAddress;
import io.crumblecracker.vhost.Payloads.VringFd;
import io.crumblecracker.vhost.Payloads.VringState;
import java.util.function.BooleanSupplier;

/**
 * The per-ring requests (vhost-user spec, SET_VRING_NUM/ADDR/BASE, GET_VRING_BASE, SET_VRING_KICK/CALL/
 * ERR, SET_VRING_ENABLE): each validates the ring index and its values, then changes the {@link Vring}
 * between {@link DeviceRunner#pause} and {@link DeviceRunner#resume}, except the call and error
 * descriptors, which are swapped while the ring runs.
 *
 * <p>Threading: the connection thread only.
 */
final class VringRequests {

    private final VirtioDevice device;
    private final DeviceRunner runner;
    private final BooleanSupplier protocolNegotiated;

    /**
     * @param protocolNegotiated whether VHOST_USER_F_PROTOCOL_FEATURES was negotiated (rings then start
     *                           disabled)
     */
    VringRequests(final VirtioDevice device, final DeviceRunner runner, final BooleanSupplier protocolNegotiated) {
        this.device = device;
        this.runner = runner;
        this.protocolNegotiated = protocolNegotiated;
    }

    byte[] setVringNum(final VhostUserMessage m) throws VhostUserException {
        final VringState state = VringState.decode(m);
        final Vring ring = ring(m, state.index());
        final int max = RingLayout.MAX_QUEUE_SIZE;
        if (state.num() < 1 || state.num() > max || Integer.bitCount(state.num()) != 1) {
            throw new VhostUserException(m.name() + ": ring " + ring.index() + " num=" + state.num()
                    + " is not a power of two in [1, " + max + "]");
        }
        runner.pause();
        ring.setSize(state.num());
        runner.resume();
        return VhostUserBackend.ack(m);
    }

    byte[] setVringAddr(final VhostUserMessage m) throws VhostUserException {
        final VringAddress address = VringAddress.decode(m);
        final Vring ring = ring(m, address.index());
        if (address.flags() != 0) {
            throw new VhostUserException(m.name() + ": ring " + ring.index() + " flags=0x"
                    + Integer.toHexString(address.flags()) + " (dirty logging is not offered)");
        }
        if (runner.table() != null) {
            runner.table().toGuest(address.descriptor(), 1, m.name() + " descriptor");
            runner.table().toGuest(address.available(), 1, m.name() + " available");
            runner.table().toGuest(address.used(), 1, m.name() + " used");
        }
        runner.pause();
        ring.setAddress(address);
        runner.resume();
        return VhostUserBackend.ack(m);
    }

    byte[] setVringBase(final VhostUserMessage m) throws VhostUserException {
        final VringState state = VringState.decode(m);
        final Vring ring = ring(m, state.index());
        if (Integer.compareUnsigned(state.num(), 0xFFFF) > 0) {
            throw new VhostUserException(m.name() + ": ring " + ring.index() + " num="
                    + Integer.toUnsignedString(state.num()) + " exceeds 0xffff (packed rings are not offered)");
        }
        runner.pause();
        ring.setBase(state.num(), state.num());
        runner.resume();
        return VhostUserBackend.ack(m);
    }

    byte[] getVringBase(final VhostUserMessage m) throws VhostUserException {
        final VringState state = VringState.decode(m);
        final Vring ring = ring(m, state.index());
        runner.pause();
        ring.stop();
        runner.resume();
        return MessageHeader.reply(m.request(), new VringState(ring.index(), ring.availBase()).encode());
    }

    byte[] setVringKick(final VhostUserMessage m) throws VhostUserException {
        final VringFd target = VringFd.decode(m);
        final Vring ring = ring(m, target.index());
        runner.pause();
        ring.start(target.noFd() ? null : EventFds.adopt(m.takeFd(0), m.name() + " ring " + ring.index()));
        if (!protocolNegotiated.getAsBoolean()) {
            ring.setEnabled(true);
        }
        runner.resume();
        return VhostUserBackend.ack(m);
    }

    byte[] setVringNotifier(final VhostUserMessage m) throws VhostUserException {
        final VringFd target = VringFd.decode(m);
        final Vring ring = ring(m, target.index());
        final var fd = target.noFd() ? null : EventFds.adopt(m.takeFd(0), m.name() + " ring " + ring.index());
        if (m.request() == VhostUserRequest.SET_VRING_CALL) {
            ring.replaceCall(fd);
        } else {
            ring.replaceErr(fd);
        }
        return VhostUserBackend.ack(m);
    }

    byte[] setVringEnable(final VhostUserMessage m) throws VhostUserException {
        final VringState state = VringState.decode(m);
        final Vring ring = ring(m, state.index());
        if (state.num() != 0 && state.num() != 1) {
            throw new VhostUserException(m.name() + ": ring " + ring.index() + " num=" + state.num()
                    + " is neither 0 nor 1");
        }
        runner.pause();
        ring.setEnabled(state.num() == 1);
        runner.resume();
        return VhostUserBackend.ack(m);
    }

    private Vring ring(final VhostUserMessage m, final int index) throws VhostUserException {
        if (index < 0 || index >= device.queueCount()) {
            throw new VhostUserException(m.name() + ": ring index=" + Integer.toUnsignedString(index)
                    + " but the device has " + device.queueCount() + " queues");
        }
        return runner.rings().get(index);
    }
}
