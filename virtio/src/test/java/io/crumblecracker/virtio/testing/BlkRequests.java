package io.crumblecracker.virtio.testing;

import io.crumblecracker.memory.GuestMemory;

/** Writes virtio-blk request headers into guest memory, for tests. */
public final class BlkRequests {

    private BlkRequests() {
    }

    /** Writes the 16-byte header {@code type, reserved 0, sector} at {@code address}. */
    public static void header(final GuestMemory memory, final long address, final int type, final long sector) {
        memory.writeU32(address, type);
        memory.writeU32(address + 4, 0);
        memory.writeU64(address + 8, sector);
    }
}
