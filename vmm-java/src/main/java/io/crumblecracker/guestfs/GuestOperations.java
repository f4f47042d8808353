package io.crumblecracker.guestfs;

import io.crumblecracker.agent.AgentException;
import io.crumblecracker.agent.GuestDirEntry;
import io.crumblecracker.agent.GuestFileHandle;
import io.crumblecracker.agent.GuestFileOperations;
import io.crumblecracker.agent.GuestStat;
import io.crumblecracker.agent.GuestStatFs;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * {@link GuestFileOperations} for one {@link GuestFileSystem} in terms of {@link GuestPath}s: each call first
 * checks that the file system is open ({@link java.nio.file.ClosedFileSystemException}), and turns an
 * {@link AgentException} into the {@code java.nio.file} exception for its path ({@link GuestErrors}), with
 * the few refinements the JDK makes for particular calls (a directory stream on a file is a
 * {@link NotDirectoryException}, reading a link that is none a {@link NotLinkException}, ...).
 *
 * <p>Thread-safe: it holds no state of its own.
 */
final class GuestOperations {
    private final GuestFileSystem fileSystem;
    private final GuestFileOperations files;

    GuestOperations(final GuestFileSystem fileSystem, final GuestFileOperations files) {
        this.fileSystem = fileSystem;
        this.files = files;
    }

    /** The operations without checks or translation (for best-effort clean-up). */
    GuestFileOperations raw() {
        return files;
    }

    /** {@code stat(2)}, or {@code lstat(2)} without {@code follow}. */
    GuestStat stat(final GuestPath path, final boolean follow) throws IOException {
        return call(path, null, () -> files.stat(path.guestString(), follow));
    }

    /** {@link #stat}, or {@code null} if the file does not exist. */
    GuestStat statIfExists(final GuestPath path, final boolean follow) throws IOException {
        try {
            return stat(path, follow);
        } catch (final NoSuchFileException e) {
            return null;
        }
    }

    /** The directory's entries. */
    List<GuestDirEntry> readDirectory(final GuestPath directory) throws IOException {
        fileSystem.ensureOpen();
        try {
            return files.readDirectory(directory.guestString());
        } catch (final AgentException e) {
            if (e.errno() == GuestErrors.ENOTDIR) {
                throw cause(new NotDirectoryException(directory.toString()), e);
            }
            throw GuestErrors.translate(e, directory.toString(), null);
        }
    }

    /** Opens a file as {@code options} say; {@code mode} if it is created. */
    GuestFileHandle open(final GuestPath path, final GuestOpenOptions options, final int mode) throws IOException {
        fileSystem.ensureOpen();
        try {
            return files.open(path.guestString(), options.flags(), mode);
        } catch (final AgentException e) {
            if (e.errno() == GuestErrors.EISDIR && options.createNew()) {
                throw cause(new FileAlreadyExistsException(path.toString()), e);
            }
            if (e.errno() == GuestErrors.ELOOP && !options.followsLinks()) {
                throw cause(new FileSystemException(path.toString(), null,
                        e.getMessage() + " (NOFOLLOW_LINKS specified)"), e);
            }
            throw GuestErrors.translate(e, path.toString(), null);
        }
    }

    /** {@code mkdir(2)}. */
    void createDirectory(final GuestPath directory, final int mode) throws IOException {
        run(directory, null, () -> files.createDirectory(directory.guestString(), mode));
    }

    /** Removes a file, link or empty directory. */
    void remove(final GuestPath path) throws IOException {
        fileSystem.ensureOpen();
        try {
            files.remove(path.guestString());
        } catch (final AgentException e) {
            if (e.errno() == GuestErrors.ENOTEMPTY || e.errno() == GuestErrors.EEXIST) {
                throw cause(new DirectoryNotEmptyException(path.toString()), e);
            }
            throw GuestErrors.translate(e, path.toString(), null);
        }
    }

    /** {@code rename(2)}, failing if {@code to} exists with {@code noReplace}. */
    void rename(final GuestPath from, final GuestPath to, final boolean noReplace) throws IOException {
        run(from, to, () -> files.rename(from.guestString(), to.guestString(), noReplace));
    }

    /** A symbolic link {@code link} to {@code target} (kept as it is, relative or not). */
    void createSymbolicLink(final String target, final GuestPath link) throws IOException {
        run(link, null, () -> files.createSymbolicLink(target, link.guestString()));
    }

    /** The target of a symbolic link. */
    String readSymbolicLink(final GuestPath link) throws IOException {
        fileSystem.ensureOpen();
        try {
            return files.readSymbolicLink(link.guestString());
        } catch (final AgentException e) {
            if (e.errno() == GuestErrors.EINVAL) {
                throw cause(new NotLinkException(link.toString()), e);
            }
            throw GuestErrors.translate(e, link.toString(), null);
        }
    }

    /** A hard link {@code link} to {@code existing}. */
    void createLink(final GuestPath existing, final GuestPath link) throws IOException {
        run(link, existing, () -> files.createLink(existing.guestString(), link.guestString()));
    }

    /** {@code chmod(2)} with the permission bits of {@code mode}. */
    void chmod(final GuestPath path, final int mode) throws IOException {
        run(path, null, () -> files.chmod(path.guestString(), mode & GuestModes.ALL_BITS));
    }

    /** {@code chown(2)}/{@code lchown(2)}; {@link GuestFileOperations#UNCHANGED_ID} keeps an id. */
    void chown(final GuestPath path, final int uid, final int gid, final boolean follow) throws IOException {
        run(path, null, () -> files.chown(path.guestString(), uid, gid, follow));
    }

    /** Sets the access and modification times; {@code null} leaves one unchanged. */
    void setTimes(final GuestPath path, final FileTime atime, final FileTime mtime, final boolean follow)
            throws IOException {
        run(path, null, () -> files.setTimes(path.guestString(), atime, mtime, follow));
    }

    /** {@code access(2)} with R=4, W=2, X=1 (0: exists). */
    void access(final GuestPath path, final int mode) throws IOException {
        run(path, null, () -> files.access(path.guestString(), mode));
    }

    /** {@code realpath(3)}. */
    String realPath(final GuestPath path) throws IOException {
        return call(path, null, () -> files.realPath(path.guestString()));
    }

    /** {@code statfs(2)}. */
    GuestStatFs statFs(final GuestPath path) throws IOException {
        return call(path, null, () -> files.statFs(path.guestString()));
    }

    private <T> T call(final GuestPath file, final GuestPath other, final Call<T> call) throws IOException {
        fileSystem.ensureOpen();
        try {
            return call.run();
        } catch (final AgentException e) {
            throw GuestErrors.translate(e, file.toString(), other == null ? null : other.toString());
        }
    }

    private void run(final GuestPath file, final GuestPath other, final VoidCall call) throws IOException {
        call(file, other, () -> {
            call.run();
            return null;
        });
    }

    private static <E extends IOException> E cause(final E exception, final AgentException cause) {
        exception.initCause(cause);
        return exception;
    }

    /** A guest call with a result. */
    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    /** A guest call without one. */
    @FunctionalInterface
    private interface VoidCall {
        void run() throws IOException;
    }
}
