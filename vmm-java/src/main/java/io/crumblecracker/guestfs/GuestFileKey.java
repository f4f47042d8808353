package io.crumblecracker.guestfs;

/**
 * A guest file's identity, {@link java.nio.file.attribute.BasicFileAttributes#fileKey()}: its device and
 * inode, equal for two names of one file.
 *
 * @param device the device the file is on ({@code st_dev})
 * @param inode  its inode number ({@code st_ino})
 */
public record GuestFileKey(long device, long inode) {
}
