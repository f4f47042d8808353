package io.crumblecracker.agent;

import java.nio.file.attribute.FileTime;

/**
 * What {@code stat(2)} says about a file in the guest (docs/agent-protocol.md, "Stat").
 *
 * @param mode   {@code st_mode}: file type bits ({@link #S_IFMT}) and permission bits
 * @param uid    owner's user id
 * @param gid    owner's group id
 * @param nlink  hard links
 * @param size   bytes
 * @param inode  inode number
 * @param device device the file is on
 * @param atime  last access
 * @param mtime  last modification
 * @param ctime  last status change
 * @param blocks 512-byte blocks allocated
 */
public record GuestStat(int mode, int uid, int gid, int nlink, long size, long inode, long device,
                        FileTime atime, FileTime mtime, FileTime ctime, long blocks) {

    /** Mask of the file type bits. */
    public static final int S_IFMT = 0170000;
    /** Regular file. */
    public static final int S_IFREG = 0100000;
    /** Directory. */
    public static final int S_IFDIR = 0040000;
    /** Symbolic link. */
    public static final int S_IFLNK = 0120000;
    /** Character device. */
    public static final int S_IFCHR = 0020000;
    /** Block device. */
    public static final int S_IFBLK = 0060000;
    /** FIFO. */
    public static final int S_IFIFO = 0010000;
    /** Socket. */
    public static final int S_IFSOCK = 0140000;

    /** True for a regular file. */
    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** True for a directory. */
    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** True for a symbolic link (only an lstat-style query can see one). */
    public boolean isSymbolicLink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** True for anything that is not a regular file, directory or link. */
    public boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    /** The permission bits (including set-id and sticky bits). */
    public int permissions() {
        return mode & 07777;
    }
}
