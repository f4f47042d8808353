package io.crumblecracker.agent;

/** The frame types of protocol version 1 (docs/agent-protocol.md, "Types"). */
public final class FrameType {
    public static final int HELLO = 0x0001;
    public static final int ERROR = 0x0002;
    public static final int OK = 0x0003;
    public static final int PING = 0x0004;
    public static final int EXEC = 0x0010;
    public static final int STARTED = 0x0011;
    public static final int DATA = 0x0012;
    public static final int ACK = 0x0013;
    public static final int EOF = 0x0014;
    public static final int SIGNAL = 0x0015;
    public static final int RESIZE = 0x0016;
    public static final int EXIT = 0x0017;
    public static final int STAT = 0x0020;
    public static final int STAT_REPLY = 0x0021;
    public static final int READDIR = 0x0022;
    public static final int DIR_ENTRIES = 0x0023;
    public static final int DIR_END = 0x0024;
    public static final int OPEN = 0x0025;
    public static final int HANDLE = 0x0026;
    public static final int PREAD = 0x0027;
    public static final int DATA_REPLY = 0x0028;
    public static final int PWRITE = 0x0029;
    public static final int COUNT = 0x002A;
    public static final int FSTAT = 0x002B;
    public static final int FTRUNCATE = 0x002C;
    public static final int FSYNC = 0x002D;
    public static final int CLOSE = 0x002E;
    public static final int MKDIR = 0x0030;
    public static final int REMOVE = 0x0031;
    public static final int RENAME = 0x0032;
    public static final int SYMLINK = 0x0033;
    public static final int READLINK = 0x0034;
    public static final int PATH_REPLY = 0x0035;
    public static final int LINK = 0x0036;
    public static final int CHMOD = 0x0037;
    public static final int CHOWN = 0x0038;
    public static final int UTIMES = 0x0039;
    public static final int ACCESS = 0x003A;
    public static final int REALPATH = 0x003B;
    public static final int STATFS = 0x003C;
    public static final int STATFS_REPLY = 0x003D;
    public static final int TRUNCATE = 0x003E;
    public static final int SYNC = 0x003F;
    public static final int KILL = 0x0040;
    public static final int SHUTDOWN = 0x0050;
    public static final int READY = 0x0060;
    public static final int CLOCK = 0x0061;

    private FrameType() {
    }

    /** The type's name for messages, or its number in hex. */
    public static String name(final int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case ERROR -> "ERROR";
            case OK -> "OK";
            case PING -> "PING";
            case EXEC -> "EXEC";
            case STARTED -> "STARTED";
            case DATA -> "DATA";
            case ACK -> "ACK";
            case EOF -> "EOF";
            case SIGNAL -> "SIGNAL";
            case RESIZE -> "RESIZE";
            case EXIT -> "EXIT";
            case STAT_REPLY -> "STAT_REPLY";
            case DIR_ENTRIES -> "DIR_ENTRIES";
            case DIR_END -> "DIR_END";
            case HANDLE -> "HANDLE";
            case DATA_REPLY -> "DATA_REPLY";
            case COUNT -> "COUNT";
            case PATH_REPLY -> "PATH_REPLY";
            case STATFS_REPLY -> "STATFS_REPLY";
            case READY -> "READY";
            case CLOCK -> "CLOCK";
            default -> String.format("0x%04x", type);
        };
    }
}
