package io.crumblecracker.vhost;

import static io.crumblecracker.vhost.VhostUserRequest.F_PROTOCOL_FEATURES;

import io.crumblecracker.virtio.device.FeatureBits;
import io.crumblecracker.virtio.device.VirtioDevice;
import io.crumblecracker.vhost.Payloads.ConfigAccess;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * The back-end side of one vhost-user connection for one {@link VirtioDevice} (vhost-user spec,
 * "Front-end message types"): answers each request and drives a {@link DeviceRunner}.
 *
 * <p>Offered: the device's features plus VERSION_1 and VHOST_USER_F_PROTOCOL_FEATURES; protocol features
 * MQ, REPLY_ACK, and CONFIG for devices with a configuration space. Handled: GET/SET_FEATURES,
 * GET/SET_PROTOCOL_FEATURES, GET_QUEUE_NUM, SET_OWNER, RESET_OWNER, SET_MEM_TABLE, SET_VRING_NUM/ADDR/
 * BASE, GET_VRING_BASE, SET_VRING_KICK/CALL/ERR, SET_VRING_ENABLE, GET/SET_CONFIG. Any other request is
 * refused: with NEED_REPLY it gets a non-zero acknowledgement and the connection goes on; without, the
 * connection is closed (the front-end might be waiting for a reply we cannot give, so closing beats a
 * hang). A request that breaks the protocol throws {@link VhostUserException}, which closes the connection.
 *
 * <p>Threading: {@link #serve} runs on the connection's thread, which owns all state.
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html">vhost-user protocol</a>
 */
final class VhostUserBackend implements AutoCloseable {

    static final long ACK_OK = 0;
    private static final long ACK_FAILED = 1;

    private static final System.Logger LOG = System.getLogger(VhostUserBackend.class.getName());

    private final String name;
    private final VirtioDevice device;
    private final DeviceRunner runner;
    private final VringRequests vrings;
    private final long offeredFeatures;
    private final long offeredProtocol;
    private long protocolFeatures;
    private boolean protocolNegotiated;
    private volatile boolean owned;

    VhostUserBackend(final String name, final VirtioDevice device, final Consumer<Throwable> onFailure) {
        this.name = name;
        this.device = device;
        this.runner = new DeviceRunner(name, device, onFailure);
        this.vrings = new VringRequests(device, runner, () -> protocolNegotiated);
        this.offeredFeatures = (device.deviceFeatures() | FeatureBits.VERSION_1) | F_PROTOCOL_FEATURES;
        this.offeredProtocol = VhostUserRequest.PROTOCOL_F_MQ | VhostUserRequest.PROTOCOL_F_REPLY_ACK
                | (device.configSize() > 0 ? VhostUserRequest.PROTOCOL_F_CONFIG : 0);
    }

    /**
     * Serves requests until the front-end closes the connection.
     *
     * @throws VhostUserException on a protocol violation (the reason says which request and values)
     * @throws IOException        if the connection fails
     */
    void serve(final MessageChannel channel) throws IOException {
        final MessageReader reader = new MessageReader(channel);
        VhostUserMessage message;
        while ((message = reader.read()) != null) {
            try (VhostUserMessage current = message) {
                LOG.log(System.Logger.Level.TRACE, "{0}: {1}", name, current);
                final byte[] reply;
                try {
                    reply = handle(current);
                } catch (final VhostUserException e) {
                    if (current.needsReply()) {
                        channel.send(MessageHeader.reply(current.request(), Payloads.u64(ACK_FAILED)));
                    }
                    throw e;
                }
                if (reply != null) {
                    channel.send(reply);
                }
            }
        }
    }

    /** Handles one request; returns the reply to send, or {@code null} for none. */
    byte[] handle(final VhostUserMessage m) throws VhostUserException {
        return switch (m.request()) {
            case VhostUserRequest.GET_FEATURES -> replyU64(m, offeredFeatures);
            case VhostUserRequest.SET_FEATURES -> setFeatures(m);
            case VhostUserRequest.SET_OWNER -> setOwner(m);
            case VhostUserRequest.RESET_OWNER -> resetOwner(m);
            case VhostUserRequest.GET_PROTOCOL_FEATURES -> replyU64(m, offeredProtocol);
            case VhostUserRequest.SET_PROTOCOL_FEATURES -> setProtocolFeatures(m);
            case VhostUserRequest.GET_QUEUE_NUM -> replyU64(m, device.queueCount());
            case VhostUserRequest.SET_MEM_TABLE -> setMemTable(m);
            case VhostUserRequest.SET_VRING_NUM -> vrings.setVringNum(m);
            case VhostUserRequest.SET_VRING_ADDR -> vrings.setVringAddr(m);
            case VhostUserRequest.SET_VRING_BASE -> vrings.setVringBase(m);
            case VhostUserRequest.GET_VRING_BASE -> vrings.getVringBase(m);
            case VhostUserRequest.SET_VRING_KICK -> vrings.setVringKick(m);
            case VhostUserRequest.SET_VRING_CALL, VhostUserRequest.SET_VRING_ERR -> vrings.setVringNotifier(m);
            case VhostUserRequest.SET_VRING_ENABLE -> vrings.setVringEnable(m);
            case VhostUserRequest.GET_CONFIG -> getConfig(m);
            case VhostUserRequest.SET_CONFIG -> setConfig(m);
            default -> unsupported(m);
        };
    }

    /** True once the front-end sent SET_OWNER, which starts a session (QEMU: while realizing the device). */
    boolean isOwned() {
        return owned;
    }

    /** Stops the device and releases every descriptor and mapping. */
    @Override
    public void close() {
        runner.close();
    }

    private byte[] setFeatures(final VhostUserMessage m) throws VhostUserException {
        final long features = m.u64();
        if ((features & ~offeredFeatures) != 0) {
            throw new VhostUserException(m.name() + ": features=0x" + Long.toHexString(features)
                    + " include bits not offered (offered=0x" + Long.toHexString(offeredFeatures) + ")");
        }
        if ((features & FeatureBits.VERSION_1) == 0) {
            // Our devices implement the modern (virtio 1.x) layouts only, e.g. the 12-byte net header.
            throw new VhostUserException(m.name() + ": features=0x" + Long.toHexString(features)
                    + " lack VIRTIO_F_VERSION_1; only modern drivers are served (QEMU microvm needs"
                    + " -global virtio-mmio.force-legacy=false)");
        }
        runner.pause();
        protocolNegotiated = (features & F_PROTOCOL_FEATURES) != 0;
        runner.setFeatures(features & ~F_PROTOCOL_FEATURES);
        if (!protocolNegotiated) {
            runner.rings().forEach(ring -> ring.setEnabled(true));
        }
        runner.resume();
        return ack(m);
    }

    private byte[] setProtocolFeatures(final VhostUserMessage m) throws VhostUserException {
        final long features = m.u64();
        if ((features & ~offeredProtocol) != 0) {
            throw new VhostUserException(m.name() + ": protocol features=0x" + Long.toHexString(features)
                    + " include bits not offered (offered=0x" + Long.toHexString(offeredProtocol) + ")");
        }
        protocolFeatures = features;
        return ack(m);
    }

    private byte[] setOwner(final VhostUserMessage m) throws VhostUserException {
        m.expectSize(0);
        owned = true;
        return ack(m);
    }

    private byte[] resetOwner(final VhostUserMessage m) throws VhostUserException {
        m.expectSize(0);
        runner.pause();
        runner.rings().forEach(Vring::release);
        return ack(m);
    }

    private byte[] setMemTable(final VhostUserMessage m) throws VhostUserException {
        final MemoryTable table = MemoryTable.map(m);
        runner.pause();
        runner.replaceTable(table);
        runner.resume();
        return ack(m);
    }








    private byte[] getConfig(final VhostUserMessage m) throws VhostUserException {
        requireConfig(m);
        final ConfigAccess access = ConfigAccess.decode(m);
        final byte[] bytes = new byte[access.size()];
        for (int i = 0; i < bytes.length; i++) {
            final int offset = access.offset() + i;
            bytes[i] = offset < device.configSize() ? (byte) device.readConfig(offset, 1) : 0;
        }
        return MessageHeader.reply(m.request(),
                new ConfigAccess(access.offset(), access.size(), access.flags(), bytes).encode());
    }

    private byte[] setConfig(final VhostUserMessage m) throws VhostUserException {
        requireConfig(m);
        final ConfigAccess access = ConfigAccess.decode(m);
        final int size = access.size();
        if (size == 1 || size == 2 || size == 4 || size == 8) {
            long value = 0;
            for (int i = 0; i < size; i++) {
                value |= (access.bytes()[i] & 0xFFL) << (8 * i);
            }
            device.writeConfig(access.offset(), size, value);
        } else {
            for (int i = 0; i < size; i++) {
                device.writeConfig(access.offset() + i, 1, access.bytes()[i] & 0xFF);
            }
        }
        return ack(m);
    }

    private byte[] unsupported(final VhostUserMessage m) throws VhostUserException {
        if (m.needsReply()) {
            return MessageHeader.reply(m.request(), Payloads.u64(ACK_FAILED));
        }
        throw new VhostUserException(m.name() + " is not supported by this backend");
    }

    private void requireConfig(final VhostUserMessage m) throws VhostUserException {
        if ((protocolFeatures & VhostUserRequest.PROTOCOL_F_CONFIG) == 0) {
            throw new VhostUserException(m.name() + " without VHOST_USER_PROTOCOL_F_CONFIG negotiated");
        }
    }


    private static byte[] replyU64(final VhostUserMessage m, final long value) throws VhostUserException {
        m.expectSize(0);
        return MessageHeader.reply(m.request(), Payloads.u64(value));
    }

    /** The REPLY_ACK acknowledgement if the front-end asked for one, else nothing. */
    static byte[] ack(final VhostUserMessage m) {
        return m.needsReply() ? MessageHeader.reply(m.request(), Payloads.u64(ACK_OK)) : null;
    }
}
