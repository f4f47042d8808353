package io.crumblecracker.vhost;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload shapes of vhost-user requests (vhost-user spec, "Payload"), each decoded from a
 * {@link VhostUserMessage} whose size must match exactly. Values are raw front-end numbers: range checks
 * that need backend state (queue count, memory table) happen where that state lives.
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html#payload">vhost-user: Payload</a>
 */
final class Payloads {

    /** The most memory regions one SET_MEM_TABLE may carry ({@code VHOST_MEMORY_BASELINE_NREGIONS}). */
    static final int MAX_REGIONS = 8;
    /** The largest device configuration access ({@code VHOST_USER_MAX_CONFIG_SIZE}). */
    static final int MAX_CONFIG_SIZE = 256;
    /** SET_VRING_KICK/CALL/ERR: bits 0-7 are the ring index. */
    static final long VRING_INDEX_MASK = 0xFF;
    /** SET_VRING_KICK/CALL/ERR: bit 8 means no descriptor came (polling). */
    static final long VRING_NOFD = 0x100;

    private static final int REGION_SIZE = 32;
    private static final int CONFIG_HEADER = 12;

    private Payloads() {
    }

    /** "A vring state description": {@code index} and {@code num}, two u32. */
    record VringState(int index, int num) {

        static VringState decode(final VhostUserMessage message) throws VhostUserException {
            message.expectSize(8);
            final ByteBuffer b = message.payload();
            return new VringState(b.getInt(), b.getInt());
        }

        byte[] encode() {
            return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(index).putInt(num).array();
        }
    }

    /**
     * "A vring address description": front-end user-space addresses of the three ring parts ({@code flags}
     * bit 0 asks for dirty logging, which this backend does not offer).
     */
    record VringAddress(int index, int flags, long descriptor, long used, long available, long log) {

        static VringAddress decode(final VhostUserMessage message) throws VhostUserException {
            message.expectSize(40);
            final ByteBuffer b = message.payload();
            return new VringAddress(b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong(), b.getLong());
        }
    }

    /** One region of "Memory regions description". */
    record MemoryRegionSpec(long guestAddress, long size, long userAddress, long mmapOffset) {

        /** Decodes SET_MEM_TABLE: 1..8 regions, exactly as many descriptors, no trailing bytes. */
        static List<MemoryRegionSpec> decodeTable(final VhostUserMessage message) throws VhostUserException {
            if (message.size() < 8) {
                throw new VhostUserException(message.name() + ": size=" + message.size() + " is shorter than 8");
            }
            final ByteBuffer b = message.payload();
            final int count = b.getInt();
            if (count < 1 || count > MAX_REGIONS) {
                throw new VhostUserException(message.name() + ": regions=" + Integer.toUnsignedString(count)
                        + " is not in [1, " + MAX_REGIONS + "]");
            }
            message.expectSize(8 + count * REGION_SIZE);
            message.expectFds(count);
            b.position(8);
            final List<MemoryRegionSpec> regions = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                regions.add(new MemoryRegionSpec(b.getLong(), b.getLong(), b.getLong(), b.getLong()));
            }
            return regions;
        }
    }

    /** "Virtio device config space": an access of {@code size} bytes at {@code offset}. */
    record ConfigAccess(int offset, int size, int flags, byte[] bytes) {

        /** Decodes GET_CONFIG / SET_CONFIG: offset + size within 256 bytes, payload exactly 12 + size. */
        static ConfigAccess decode(final VhostUserMessage message) throws VhostUserException {
            if (message.size() < CONFIG_HEADER) {
                throw new VhostUserException(message.name() + ": size=" + message.size() + " is shorter than 12");
            }
            final ByteBuffer b = message.payload();
            final int offset = b.getInt();
            final int size = b.getInt();
            final int flags = b.getInt();
            if (Integer.compareUnsigned(offset, MAX_CONFIG_SIZE) > 0
                    || Integer.compareUnsigned(size, MAX_CONFIG_SIZE - offset) > 0) {
                throw new VhostUserException(message.name() + ": offset=" + Integer.toUnsignedString(offset)
                        + " size=" + Integer.toUnsignedString(size) + " exceeds " + MAX_CONFIG_SIZE + " bytes");
            }
            message.expectSize(CONFIG_HEADER + size);
            final byte[] bytes = new byte[size];
            b.get(bytes);
            return new ConfigAccess(offset, size, flags, bytes);
        }

        byte[] encode() {
            return ByteBuffer.allocate(CONFIG_HEADER + bytes.length).order(ByteOrder.LITTLE_ENDIAN).putInt(offset)
                    .putInt(size).putInt(flags).put(bytes).array();
        }
    }

    /** The u64 of SET_VRING_KICK/CALL/ERR: ring index in bits 0-7, NOFD in bit 8, nothing else. */
    record VringFd(int index, boolean noFd) {

        static VringFd decode(final VhostUserMessage message) throws VhostUserException {
            final long value = message.u64();
            if ((value & ~(VRING_INDEX_MASK | VRING_NOFD)) != 0) {
                throw new VhostUserException(message.name() + ": u64=0x" + Long.toHexString(value)
                        + " has bits beyond the index and NOFD flag");
            }
            final boolean noFd = (value & VRING_NOFD) != 0;
            message.expectFds(noFd ? 0 : 1);
            return new VringFd((int) (value & VRING_INDEX_MASK), noFd);
        }
    }

    /** A u64 payload, for replies. */
    static byte[] u64(final long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }
}
