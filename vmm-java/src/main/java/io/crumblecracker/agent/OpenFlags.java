package io.crumblecracker.agent;

/** The protocol's open flags (docs/agent-protocol.md, "Open flags"); not Linux's {@code O_*} numbers. */
public final class OpenFlags {
    /** Open for reading. */
    public static final int READ = 0x1;
    /** Open for writing. */
    public static final int WRITE = 0x2;
    /** Create if missing. */
    public static final int CREATE = 0x4;
    /** With {@link #CREATE}: fail if it exists. */
    public static final int EXCL = 0x8;
    /** Truncate to 0 bytes. */
    public static final int TRUNCATE = 0x10;
    /** Every write goes to the end. */
    public static final int APPEND = 0x20;
    /** Fail if the last component is a symbolic link. */
    public static final int NOFOLLOW = 0x40;
    /** Writes reach the device before they return (data and metadata). */
    public static final int SYNC = 0x80;
    /** Writes reach the device before they return (data). */
    public static final int DSYNC = 0x100;
    /** Fail unless it is a directory. */
    public static final int DIRECTORY = 0x200;
    /** Every defined bit. */
    public static final int ALL = 0x3FF;

    private OpenFlags() {
    }
}
