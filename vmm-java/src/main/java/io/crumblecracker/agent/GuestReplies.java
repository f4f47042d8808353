package io.crumblecracker.agent;

import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Decoders for the agent's file replies (docs/agent-protocol.md, "Stat" and the types table). */
final class GuestReplies {
    private static final int MAX_TIME_NANOS = 999_999_999;

    private GuestReplies() {
    }

    static GuestStat stat(final BodyReader body) throws ProtocolException {
        final int mode = body.u32();
        final int uid = body.u32();
        final int gid = body.u32();
        final int nlink = body.u32();
        final long size = body.u64();
        final long inode = body.u64();
        final long device = body.u64();
        final FileTime atime = time(body);
        final FileTime mtime = time(body);
        final FileTime ctime = time(body);
        final long blocks = body.u64();
        body.end();
        if (size < 0) {
            throw new ProtocolException("STAT_REPLY: negative size " + size);
        }
        return new GuestStat(mode, uid, gid, nlink, size, inode, device, atime, mtime, ctime, blocks);
    }

    static void entries(final BodyReader body, final List<GuestDirEntry> into) throws ProtocolException {
        final int count = body.u32();
        if (count < 0 || count > body.remaining() / 5) {
            throw new ProtocolException("DIR_ENTRIES: count " + Integer.toUnsignedString(count) + " with "
                    + body.remaining() + " bytes");
        }
        for (int i = 0; i < count; i++) {
            final int type = body.u8();
            final String name = body.str();
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
                throw new ProtocolException("DIR_ENTRIES: invalid name \"" + name + "\"");
            }
            into.add(new GuestDirEntry(name, type));
        }
        body.end();
    }

    static GuestStatFs statFs(final BodyReader body) throws ProtocolException {
        final GuestStatFs fs = new GuestStatFs(body.u64(), body.u64(), body.u64(), body.u64(), body.str());
        body.end();
        return fs;
    }

    static String path(final BodyReader body) throws ProtocolException {
        final String path = body.str();
        body.end();
        return path;
    }

    private static FileTime time(final BodyReader body) throws ProtocolException {
        final long seconds = body.u64();
        final int nanos = body.u32();
        if (nanos < 0 || nanos > MAX_TIME_NANOS) {
            throw new ProtocolException("STAT_REPLY: nanoseconds " + Integer.toUnsignedString(nanos));
        }
        try {
            return FileTime.from(Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos),
                    TimeUnit.NANOSECONDS);
        } catch (final ArithmeticException beyondNanos) {
            return FileTime.from(seconds, TimeUnit.SECONDS);
        }
    }
}
