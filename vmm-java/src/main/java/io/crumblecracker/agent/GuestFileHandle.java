package io.crumblecracker.agent;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open file in the guest (an agent handle on a connection of its own). Offsets are explicit, as with
 * {@code pread(2)}/{@code pwrite(2)}; a handle opened with {@link OpenFlags#APPEND} ignores them for writes.
 *
 * <p>Thread safety: calls are serialised; a handle may be shared.
 */
public interface GuestFileHandle extends AutoCloseable {

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code offset} into {@code dst}.
     *
     * @return the bytes read, or -1 at end of file
     */
    int read(long offset, ByteBuffer dst) throws IOException;

    /**
     * Writes all of {@code src} at {@code offset} (at the end with APPEND).
     *
     * @return the bytes written
     */
    int write(long offset, ByteBuffer src) throws IOException;

    /** {@code fstat(2)}. */
    GuestStat stat() throws IOException;

    /** {@code ftruncate(2)}. */
    void truncate(long size) throws IOException;

    /** {@code fsync(2)}. */
    void sync() throws IOException;

    /** Closes the handle and its connection; idempotent. */
    @Override
    void close() throws IOException;
}
