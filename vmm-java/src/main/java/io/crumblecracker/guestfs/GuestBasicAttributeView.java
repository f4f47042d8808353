package io.crumblecracker.guestfs;

import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;

/**
 * The {@code basic} view of a guest file: reads {@code stat(2)}, sets times with {@code utimensat(2)}
 * (Linux keeps no creation time, so {@code createTime} is ignored). Following symbolic links or not, as
 * chosen when the view was made. It does no I/O until used.
 */
class GuestBasicAttributeView implements BasicFileAttributeView {
    /** The file. */
    final GuestPath path;
    /** Whether a final symbolic link is followed. */
    final boolean follow;

    GuestBasicAttributeView(final GuestPath path, final boolean follow) {
        this.path = path;
        this.follow = follow;
    }

    @Override
    public String name() {
        return "basic";
    }

    @Override
    public GuestFileAttributes readAttributes() throws IOException {
        final GuestFileSystem fileSystem = path.getFileSystem();
        return new GuestFileAttributes(fileSystem.operations().stat(path, follow), fileSystem.principals());
    }

    /** Sets the modification and access times ({@code null} leaves one as it is). */
    @Override
    public void setTimes(final FileTime lastModifiedTime, final FileTime lastAccessTime, final FileTime createTime)
            throws IOException {
        if (lastModifiedTime == null && lastAccessTime == null) {
            path.getFileSystem().ensureOpen();
            return;
        }
        path.getFileSystem().operations().setTimes(path, lastAccessTime, lastModifiedTime, follow);
    }
}
