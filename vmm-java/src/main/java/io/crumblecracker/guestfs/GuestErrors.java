package io.crumblecracker.guestfs;

import io.crumblecracker.agent.AgentException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Maps a guest's {@code errno} ({@link AgentException#errno()}) to the exceptions {@code java.nio.file}
 * specifies, as the JDK's own Unix provider does ({@code sun.nio.fs.UnixException}): ENOENT is
 * {@link NoSuchFileException}, EACCES and EPERM {@link AccessDeniedException}, EEXIST
 * {@link FileAlreadyExistsException}, ENOTEMPTY {@link DirectoryNotEmptyException}; everything else (ENOTDIR,
 * ELOOP, ENOSPC, ...) is a {@link FileSystemException} whose reason is the agent's message. The
 * {@link AgentException} is always the cause. Other {@link IOException}s (the VM is gone) are not errors of
 * the guest's file system and pass through unchanged.
 */
public final class GuestErrors {
    /** Operation not permitted. */
    static final int EPERM = 1;
    /** No such file or directory. */
    static final int ENOENT = 2;
    /** Permission denied. */
    static final int EACCES = 13;
    /** File exists. */
    static final int EEXIST = 17;
    /** Invalid cross-device link. */
    static final int EXDEV = 18;
    /** Not a directory. */
    static final int ENOTDIR = 20;
    /** Is a directory. */
    static final int EISDIR = 21;
    /** Invalid argument. */
    static final int EINVAL = 22;
    /** Directory not empty. */
    static final int ENOTEMPTY = 39;
    /** Too many levels of symbolic links. */
    static final int ELOOP = 40;

    private GuestErrors() {
    }

    /**
     * The {@code java.nio.file} exception for a failed guest call.
     *
     * @param failure the agent's error
     * @param file    the file the operation was on (as the user named it), or {@code null}
     * @param other   the second file of a two-file operation (rename, link), or {@code null}
     * @return the exception to throw, caused by {@code failure}
     */
    public static FileSystemException translate(final AgentException failure, final String file, final String other) {
        final FileSystemException translated = switch (failure.errno()) {
            case ENOENT -> new NoSuchFileException(file, other, null);
            case EACCES -> new AccessDeniedException(file, other, null);
            case EPERM -> new AccessDeniedException(file, other, failure.getMessage());
            case EEXIST -> new FileAlreadyExistsException(file, other, null);
            case ENOTEMPTY -> new DirectoryNotEmptyException(file);
            case ELOOP -> new FileSystemException(file, other,
                    failure.getMessage() + " or unable to access attributes of symbolic link");
            default -> new FileSystemException(file, other, failure.getMessage());
        };
        translated.initCause(failure);
        return translated;
    }

    /**
     * {@link #translate(AgentException, String, String)} for an {@link AgentException}; any other
     * {@link IOException} unchanged.
     */
    static IOException translate(final IOException failure, final GuestPath file, final GuestPath other) {
        if (failure instanceof AgentException agent) {
            return translate(agent, name(file), name(other));
        }
        return failure;
    }

    /** The errno of {@code failure}, or 0 if it is not an agent error. */
    static int errno(final IOException failure) {
        return failure instanceof AgentException agent ? agent.errno() : 0;
    }

    private static String name(final GuestPath path) {
        return path == null ? null : path.toString();
    }
}
