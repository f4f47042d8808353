package io.crumblecracker.agent;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * File operations on a guest's file system, carried out by its agent (docs/agent-protocol.md). Every path
 * is absolute and free of NUL bytes. A failed system call in the guest is an {@link AgentException}
 * carrying its errno; a broken connection or a VM that is gone is another {@link IOException}.
 *
 * <p>Thread safety: implementations are safe for concurrent use.
 */
public interface GuestFileOperations {

    /** Leaves an id unchanged in {@link #chown}. */
    int UNCHANGED_ID = -1;

    /** {@code stat(2)} ({@code follow}) or {@code lstat(2)}. */
    GuestStat stat(String path, boolean follow) throws IOException;

    /** Every entry of a directory except {@code .} and {@code ..}. */
    List<GuestDirEntry> readDirectory(String path) throws IOException;

    /** Opens a file with {@link OpenFlags}; {@code mode} applies when it is created. */
    GuestFileHandle open(String path, int flags, int mode) throws IOException;

    /** {@code mkdir(2)}. */
    void createDirectory(String path, int mode) throws IOException;

    /** Removes a file, link or empty directory. */
    void remove(String path) throws IOException;

    /** {@code rename(2)}; with {@code noReplace}, fails with EEXIST if {@code to} exists. */
    void rename(String from, String to, boolean noReplace) throws IOException;

    /** {@code symlink(2)}: a link at {@code link} pointing to {@code target}. */
    void createSymbolicLink(String target, String link) throws IOException;

    /** {@code readlink(2)}. */
    String readSymbolicLink(String path) throws IOException;

    /** {@code link(2)}: a new name {@code link} for {@code existing}. */
    void createLink(String existing, String link) throws IOException;

    /** {@code chmod(2)}. */
    void chmod(String path, int mode) throws IOException;

    /** {@code chown(2)} or, without {@code follow}, {@code lchown(2)}; {@link #UNCHANGED_ID} keeps one. */
    void chown(String path, int uid, int gid, boolean follow) throws IOException;

    /** {@code utimensat(2)}; a {@code null} time is left unchanged. */
    void setTimes(String path, FileTime atime, FileTime mtime, boolean follow) throws IOException;

    /** {@code access(2)} with R=4, W=2, X=1 (0: exists). */
    void access(String path, int mode) throws IOException;

    /** {@code realpath(3)}. */
    String realPath(String path) throws IOException;

    /** {@code statfs(2)}. */
    GuestStatFs statFs(String path) throws IOException;

    /** {@code truncate(2)}. */
    void truncate(String path, long size) throws IOException;

    /** {@code sync(2)}. */
    void sync() throws IOException;
}
