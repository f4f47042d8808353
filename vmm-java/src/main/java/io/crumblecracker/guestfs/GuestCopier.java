package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestStat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

/**
 * {@link java.nio.file.Files#copy(java.nio.file.Path, java.nio.file.Path, CopyOption...)} and
 * {@link java.nio.file.Files#move} between guest paths, as the JDK's Unix provider does them: a file's bytes
 * are streamed from one handle to the other in the guest (never through host files), a directory is copied
 * without its entries, a link is copied as a link with NOFOLLOW_LINKS. A move is a {@code rename(2)}; across
 * devices, or between two VMs, it is a copy with attributes and a removal of the source (an
 * {@link AtomicMoveNotSupportedException} with ATOMIC_MOVE).
 */
final class GuestCopier {
    private static final GuestOpenOptions READ = GuestOpenOptions.of(Set.of(StandardOpenOption.READ));
    private static final GuestOpenOptions CREATE_NEW =
            GuestOpenOptions.of(Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));

    private GuestCopier() {
    }

    /**
     * Copies {@code source} to {@code target}.
     *
     * @throws UnsupportedOperationException for an option other than REPLACE_EXISTING, COPY_ATTRIBUTES and
     *                                       NOFOLLOW_LINKS
     */
    static void copy(final GuestPath source, final GuestPath target, final CopyOption... options) throws IOException {
        boolean replace = false;
        boolean attributes = false;
        boolean follow = true;
        for (final CopyOption option : options) {
            if (Objects.requireNonNull(option, "option") == StandardCopyOption.REPLACE_EXISTING) {
                replace = true;
            } else if (option == StandardCopyOption.COPY_ATTRIBUTES) {
                attributes = true;
            } else if (option == LinkOption.NOFOLLOW_LINKS) {
                follow = false;
            } else {
                throw new UnsupportedOperationException("Unsupported copy option: " + option);
            }
        }
        final GuestStat stat = operations(source).stat(source, follow);
        if (!prepareTarget(source, stat, target, replace)) {
            return;
        }
        copyFile(source, stat, target, attributes);
    }

    /**
     * Moves {@code source} to {@code target}.
     *
     * @throws UnsupportedOperationException for an option other than REPLACE_EXISTING, ATOMIC_MOVE and
     *                                       NOFOLLOW_LINKS (ignored: a move never follows links)
     */
    static void move(final GuestPath source, final GuestPath target, final CopyOption... options) throws IOException {
        boolean replace = false;
        boolean atomic = false;
        for (final CopyOption option : options) {
            if (Objects.requireNonNull(option, "option") == StandardCopyOption.REPLACE_EXISTING) {
                replace = true;
            } else if (option == StandardCopyOption.ATOMIC_MOVE) {
                atomic = true;
            } else if (option != LinkOption.NOFOLLOW_LINKS) {
                throw new UnsupportedOperationException("Unsupported copy option: " + option);
            }
        }
        final boolean sameVm = source.getFileSystem() == target.getFileSystem();
        if (atomic) {
            if (!sameVm) {
                operations(source).stat(source, false);
                throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), "not in the same VM");
            }
            renameAtomically(source, target, replace);
            return;
        }
        final GuestStat stat = statSource(source);
        if (!prepareTarget(source, stat, target, replace)) {
            return;
        }
        if (sameVm && rename(source, target, replace)) {
            return;
        }
        if (stat.isDirectory() && !operations(source).readDirectory(source).isEmpty()) {
            throw new DirectoryNotEmptyException(source.toString());
        }
        copyFile(source, stat, target, true);
        try {
            operations(source).remove(source);
        } catch (final IOException e) {
            deleteQuietly(target);
            throw e;
        }
    }

    private static void renameAtomically(final GuestPath source, final GuestPath target, final boolean replace)
            throws IOException {
        try {
            operations(source).rename(source, target, !replace);
        } catch (final FileSystemException e) {
            if (errno(e) == GuestErrors.EXDEV) {
                final AtomicMoveNotSupportedException atomic =
                        new AtomicMoveNotSupportedException(source.toString(), target.toString(), e.getReason());
                atomic.initCause(e.getCause());
                throw atomic;
            }
            throw e;
        }
    }

    /** Renames in one VM; false if source and target are on different devices. */
    private static boolean rename(final GuestPath source, final GuestPath target, final boolean replace)
            throws IOException {
        try {
            operations(source).rename(source, target, !replace);
            return true;
        } catch (final FileSystemException e) {
            if (errno(e) == GuestErrors.EXDEV) {
                return false;
            }
            throw e;
        }
    }

    /** The source's attributes, not following a link (a missing parent directory is "no such file"). */
    private static GuestStat statSource(final GuestPath source) throws IOException {
        try {
            return operations(source).stat(source, false);
        } catch (final FileSystemException e) {
            if (errno(e) == GuestErrors.ENOTDIR) {
                final NoSuchFileException missing = new NoSuchFileException(source.toString());
                missing.initCause(e.getCause());
                throw missing;
            }
            throw e;
        }
    }

    /**
     * Makes way for the target: false if it is the source itself (nothing to do), an exception if it exists
     * without {@code replace}, else removes it.
     */
    private static boolean prepareTarget(final GuestPath source, final GuestStat stat, final GuestPath target,
                                         final boolean replace) throws IOException {
        final GuestStat existing = operations(target).statIfExists(target, false);
        if (existing == null) {
            return true;
        }
        if (source.getFileSystem() == target.getFileSystem() && existing.device() == stat.device()
                && existing.inode() == stat.inode()) {
            return false;
        }
        if (!replace) {
            throw new FileAlreadyExistsException(target.toString());
        }
        try {
            operations(target).remove(target);
        } catch (final NoSuchFileException e) {
            // Gone already.
        }
        return true;
    }

    private static void copyFile(final GuestPath source, final GuestStat stat, final GuestPath target,
                                 final boolean attributes) throws IOException {
        final GuestOperations to = operations(target);
        if (stat.isDirectory()) {
            to.createDirectory(target, stat.permissions());
        } else if (stat.isSymbolicLink()) {
            to.createSymbolicLink(operations(source).readSymbolicLink(source), target);
        } else if (stat.isRegularFile()) {
            copyContent(source, target, stat.permissions());
        } else {
            throw new FileSystemException(source.toString(), target.toString(),
                    "cannot copy a special file (device, FIFO or socket)");
        }
        if (attributes) {
            try {
                copyAttributes(stat, target);
            } catch (final IOException e) {
                deleteQuietly(target);
                throw e;
            }
        }
    }

    private static void copyContent(final GuestPath source, final GuestPath target, final int mode)
            throws IOException {
        try (GuestFileChannel in = source.getFileSystem().openChannel(source, READ, 0)) {
            final GuestFileChannel out = target.getFileSystem().openChannel(target, CREATE_NEW, mode);
            boolean copied = false;
            try {
                try (out) {
                    final ByteBuffer buffer = ByteBuffer.allocate(GuestFileChannel.CHUNK);
                    long at = 0;
                    while (in.read(buffer.clear(), at) > 0) {
                        buffer.flip();
                        at += out.write(buffer, at);
                    }
                }
                copied = true;
            } finally {
                if (!copied) {
                    deleteQuietly(target);
                }
            }
        }
    }

    /**
     * Owner and permissions (best effort, as the JDK: a guest user other than root may not give files away),
     * then the times.
     */
    private static void copyAttributes(final GuestStat stat, final GuestPath target) throws IOException {
        final GuestOperations to = operations(target);
        try {
            to.chown(target, stat.uid(), stat.gid(), false);
        } catch (final FileSystemException e) {
            // Best effort.
        }
        if (!stat.isSymbolicLink()) {
            try {
                to.chmod(target, stat.permissions());
            } catch (final FileSystemException e) {
                // Best effort.
            }
        }
        to.setTimes(target, stat.atime(), stat.mtime(), false);
    }

    private static void deleteQuietly(final GuestPath path) {
        try {
            operations(path).raw().remove(path.guestString());
        } catch (final IOException e) {
            // Best effort: the copy failed already.
        }
    }

    /** The guest's errno behind a translated exception, or 0. */
    private static int errno(final FileSystemException e) {
        return e.getCause() instanceof IOException cause ? GuestErrors.errno(cause) : 0;
    }

    private static GuestOperations operations(final GuestPath path) {
        return path.getFileSystem().operations();
    }
}
