package io.crumblecracker.agent;

/**
 * One entry of a guest directory as {@code readdir(3)} returns it.
 *
 * @param name the entry's file name (never {@code .} or {@code ..})
 * @param type its {@code d_type} ({@link #DT_UNKNOWN} when the file system does not say)
 */
public record GuestDirEntry(String name, int type) {
    /** The file system did not say. */
    public static final int DT_UNKNOWN = 0;
    /** Directory. */
    public static final int DT_DIR = 4;
    /** Regular file. */
    public static final int DT_REG = 8;
    /** Symbolic link. */
    public static final int DT_LNK = 10;
}
