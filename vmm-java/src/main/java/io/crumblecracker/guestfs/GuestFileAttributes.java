package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestStat;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * A guest file's attributes ({@link GuestStat}) as {@link PosixFileAttributes} (and so
 * {@link java.nio.file.attribute.BasicFileAttributes}). Linux's {@code stat(2)} has no creation time:
 * {@link #creationTime()} is the last modification, as the JDK reports it where the birth time is unknown.
 * The owner's and group's names are looked up in the guest when first asked for
 * ({@link GuestPrincipals}).
 *
 * <p>Immutable: a snapshot from when it was read.
 */
public final class GuestFileAttributes implements PosixFileAttributes {
    private final GuestStat stat;
    private final GuestPrincipals principals;

    GuestFileAttributes(final GuestStat stat, final GuestPrincipals principals) {
        this.stat = stat;
        this.principals = principals;
    }

    /** All the guest said, including {@code mode}, {@code nlink} and {@code ctime}. */
    public GuestStat stat() {
        return stat;
    }

    @Override
    public FileTime lastModifiedTime() {
        return stat.mtime();
    }

    @Override
    public FileTime lastAccessTime() {
        return stat.atime();
    }

    /** The last modification time (the guest does not report a creation time). */
    @Override
    public FileTime creationTime() {
        return stat.mtime();
    }

    @Override
    public boolean isRegularFile() {
        return stat.isRegularFile();
    }

    @Override
    public boolean isDirectory() {
        return stat.isDirectory();
    }

    @Override
    public boolean isSymbolicLink() {
        return stat.isSymbolicLink();
    }

    @Override
    public boolean isOther() {
        return stat.isOther();
    }

    @Override
    public long size() {
        return stat.size();
    }

    /** A {@link GuestFileKey}. */
    @Override
    public GuestFileKey fileKey() {
        return new GuestFileKey(stat.device(), stat.inode());
    }

    @Override
    public UserPrincipal owner() {
        return principals.user(stat.uid());
    }

    @Override
    public GroupPrincipal group() {
        return principals.group(stat.gid());
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return GuestModes.toPermissions(stat.mode());
    }

    @Override
    public String toString() {
        return "GuestFileAttributes[mode=0" + Integer.toOctalString(stat.mode()) + ", uid=" + stat.uid() + ", gid="
                + stat.gid() + ", size=" + stat.size() + ", mtime=" + stat.mtime() + "]";
    }
}
