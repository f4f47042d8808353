package io.crumblecracker.virtio.blk;

import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.GuestMemoryException;
import io.crumblecracker.memory.MemoryRegion;
import java.nio.ByteBuffer;

/**
 * Reusable {@link ByteBuffer} views of guest RAM, so moving a request's data between the backend's
 * {@code FileChannel} and guest memory allocates nothing per request: each 1 GiB window of each RAM
 * region gets one direct view the first time it is used, and later transfers only move its position and
 * limit.
 *
 * <p>Not thread safe: owned by one executor, used under the device's lock. A view is valid until the next
 * call.
 */
final class GuestByteBuffers {

    private static final long WINDOW = 1L << 30;

    private GuestMemory memory;
    private ByteBuffer[][] windows;

    /**
     * A view of guest {@code [address, address + length)}, cut short at a window boundary: the range is
     * {@code position..limit}, and {@code remaining()} may be less than {@code length}.
     *
     * @throws GuestMemoryException if {@code address} is not in guest RAM
     */
    ByteBuffer view(final GuestMemory guest, final long address, final long length) {
        if (guest != memory) {
            memory = guest;
            windows = new ByteBuffer[guest.regions().size()][];
        }
        final java.util.List<MemoryRegion> regions = guest.regions();
        for (int r = 0; r < regions.size(); r++) {
            final MemoryRegion region = regions.get(r);
            final long offset = address - region.start().value();
            if (region.contains(address, 1)) {
                final int w = (int) (offset / WINDOW);
                final ByteBuffer view = window(r, region, w);
                final int at = (int) (offset - w * WINDOW);
                final int end = (int) Math.min(view.capacity(), at + Math.min(length, WINDOW));
                view.limit(end).position(at);
                return view;
            }
        }
        throw new GuestMemoryException("guest address=0x" + Long.toHexString(address) + " is not in guest RAM");
    }

    private ByteBuffer window(final int r, final MemoryRegion region, final int w) {
        if (windows[r] == null) {
            windows[r] = new ByteBuffer[(int) ((region.size() + WINDOW - 1) / WINDOW)];
        }
        ByteBuffer view = windows[r][w];
        if (view == null) {
            final long start = w * WINDOW;
            view = region.segment().asSlice(start, Math.min(WINDOW, region.size() - start)).asByteBuffer();
            windows[r][w] = view;
        }
        return view;
    }
}
