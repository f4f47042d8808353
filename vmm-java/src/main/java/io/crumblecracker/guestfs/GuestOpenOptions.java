package io.crumblecracker.guestfs;

import io.crumblecracker.agent.OpenFlags;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link OpenOption}s of {@link java.nio.file.Files#newByteChannel} and their protocol
 * {@link OpenFlags}, interpreted as the JDK's Unix provider does: READ unless WRITE or APPEND; APPEND implies
 * WRITE; CREATE, CREATE_NEW and TRUNCATE_EXISTING only apply when writing; SPARSE is ignored;
 * DELETE_ON_CLOSE and NOFOLLOW_LINKS open without following a final symbolic link (unless CREATE_NEW).
 *
 * @param read          READ
 * @param write         WRITE (or APPEND)
 * @param append        APPEND
 * @param truncate      TRUNCATE_EXISTING
 * @param create        CREATE
 * @param createNew     CREATE_NEW
 * @param deleteOnClose DELETE_ON_CLOSE
 * @param sync          SYNC
 * @param dsync         DSYNC
 * @param noFollow      {@link LinkOption#NOFOLLOW_LINKS}
 */
record GuestOpenOptions(boolean read, boolean write, boolean append, boolean truncate, boolean create,
                        boolean createNew, boolean deleteOnClose, boolean sync, boolean dsync, boolean noFollow) {

    /**
     * Reads {@code options}.
     *
     * @throws IllegalArgumentException      for READ with APPEND, or APPEND with TRUNCATE_EXISTING
     * @throws UnsupportedOperationException for an option this provider does not know
     */
    static GuestOpenOptions of(final Set<? extends OpenOption> options) {
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean truncate = false;
        boolean create = false;
        boolean createNew = false;
        boolean deleteOnClose = false;
        boolean sync = false;
        boolean dsync = false;
        boolean noFollow = false;
        for (final OpenOption option : options) {
            if (Objects.requireNonNull(option, "option") == LinkOption.NOFOLLOW_LINKS) {
                noFollow = true;
                continue;
            }
            if (!(option instanceof StandardOpenOption standard)) {
                throw new UnsupportedOperationException(option + " not supported");
            }
            switch (standard) {
                case READ -> read = true;
                case WRITE -> write = true;
                case APPEND -> append = true;
                case TRUNCATE_EXISTING -> truncate = true;
                case CREATE -> create = true;
                case CREATE_NEW -> createNew = true;
                case DELETE_ON_CLOSE -> deleteOnClose = true;
                case SPARSE -> {
                    // A hint only.
                }
                case SYNC -> sync = true;
                case DSYNC -> dsync = true;
            }
        }
        if (!read && !write) {
            write = append;
            read = !append;
        }
        if (read && append) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        return new GuestOpenOptions(read, write, append, truncate, create, createNew, deleteOnClose, sync, dsync,
                noFollow);
    }

    /** False if the final name must not be a symbolic link. */
    boolean followsLinks() {
        return createNew || !(noFollow || deleteOnClose);
    }

    /** The protocol's {@link OpenFlags}. */
    int flags() {
        int flags = 0;
        if (read) {
            flags |= OpenFlags.READ;
        }
        if (write) {
            flags |= OpenFlags.WRITE;
            if (truncate) {
                flags |= OpenFlags.TRUNCATE;
            }
            if (append) {
                flags |= OpenFlags.APPEND;
            }
            if (createNew) {
                flags |= OpenFlags.CREATE | OpenFlags.EXCL;
            } else if (create) {
                flags |= OpenFlags.CREATE;
            }
        }
        if (!followsLinks()) {
            flags |= OpenFlags.NOFOLLOW;
        }
        if (sync) {
            flags |= OpenFlags.SYNC;
        }
        if (dsync) {
            flags |= OpenFlags.DSYNC;
        }
        return flags;
    }
}
