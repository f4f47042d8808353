package io.crumblecracker.guestfs;

import io.crumblecracker.agent.AgentException;
import io.crumblecracker.agent.GuestDirEntry;
import io.crumblecracker.agent.GuestFileHandle;
import io.crumblecracker.agent.GuestFileOperations;
import io.crumblecracker.agent.GuestStat;
import io.crumblecracker.agent.GuestStatFs;
import io.crumblecracker.agent.OpenFlags;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only {@link GuestFileOperations}: a host directory plays the guest's root, and each call is the
 * host's real system call through {@code java.nio} ({@code unix:*} attributes for {@code stat}), its failure
 * an {@link AgentException} with Linux's errno and an agent-style message ({@code "open /x: No such file or
 * directory"}). Unlike a real agent it has umask 0 (a created file gets exactly its mode), follows absolute
 * link targets on the host, and cannot report EPERM as root; for such cases, {@link #failNext} makes the
 * next call of a kind fail with any errno. {@link #vmGone} makes every call fail as a dead VM does (a plain
 * {@link IOException}). It counts open handles and records the largest single read or write.
 */
final class HostDirectoryOperations implements GuestFileOperations {
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int EXDEV = 18;
    static final int ENOTDIR = 20;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ENOTEMPTY = 39;
    static final int ELOOP = 40;

    /** strerror texts, for failures the JDK reports only as a message. */
    private static final Map<String, Integer> STRERROR = Map.ofEntries(
            Map.entry("Operation not permitted", EPERM),
            Map.entry("No such file or directory", ENOENT),
            Map.entry("Permission denied", EACCES),
            Map.entry("File exists", EEXIST),
            Map.entry("Invalid cross-device link", EXDEV),
            Map.entry("Not a directory", ENOTDIR),
            Map.entry("Is a directory", EISDIR),
            Map.entry("Invalid argument", EINVAL),
            Map.entry("No space left on device", ENOSPC),
            Map.entry("Directory not empty", ENOTEMPTY),
            Map.entry("Too many levels of symbolic links", ELOOP));

    private final Path root;
    private final Map<String, Integer> injected = new ConcurrentHashMap<>();
    private final AtomicInteger openHandles = new AtomicInteger();
    private final AtomicInteger largestTransfer = new AtomicInteger();
    private volatile boolean gone;
    private volatile int lastOpenFlags = -1;
    private volatile int lastChmodMode = -1;
    private volatile Boolean lastRenameNoReplace;

    HostDirectoryOperations(final Path root) throws IOException {
        this.root = root.toRealPath();
    }

    /** The host file behind guest path {@code guestPath}. */
    Path host(final String guestPath) {
        if (!guestPath.startsWith("/") || guestPath.indexOf('\0') >= 0) {
            throw new AssertionError("the provider sent a path that is not absolute or has a NUL: " + guestPath);
        }
        final String relative = Path.of(guestPath).normalize().toString().substring(1);
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    /** The next {@code call} ("open", "rename", "write", ...) fails with {@code errno}. */
    void failNext(final String call, final int errno) {
        injected.put(call, errno);
    }

    /** From now on every call fails like a connection to a VM that is gone. */
    void vmGone() {
        gone = true;
    }

    int openHandles() {
        return openHandles.get();
    }

    int largestTransfer() {
        return largestTransfer.get();
    }

    int lastOpenFlags() {
        return lastOpenFlags;
    }

    int lastChmodMode() {
        return lastChmodMode;
    }

    Boolean lastRenameNoReplace() {
        return lastRenameNoReplace;
    }

    @Override
    public GuestStat stat(final String path, final boolean follow) throws IOException {
        check("stat", path);
        try {
            return statOf(host(path), follow);
        } catch (final IOException e) {
            throw failure("stat", path, e);
        }
    }

    @Override
    public List<GuestDirEntry> readDirectory(final String path) throws IOException {
        check("readdir", path);
        final List<GuestDirEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(host(path))) {
            for (final Path entry : stream) {
                final int type = Files.isSymbolicLink(entry) ? GuestDirEntry.DT_LNK
                        : Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) ? GuestDirEntry.DT_DIR
                        : Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) ? GuestDirEntry.DT_REG
                        : GuestDirEntry.DT_UNKNOWN;
                entries.add(new GuestDirEntry(entry.getFileName().toString(), type));
            }
        } catch (final IOException e) {
            throw failure("opendir", path, e);
        }
        return entries;
    }

    @Override
    public GuestFileHandle open(final String path, final int flags, final int mode) throws IOException {
        check("open", path);
        if ((flags & ~OpenFlags.ALL) != 0) {
            throw new AssertionError("unknown open flags 0x" + Integer.toHexString(flags));
        }
        lastOpenFlags = flags;
        final Path file = host(path);
        final Set<OpenOption> options = new HashSet<>();
        if ((flags & OpenFlags.READ) != 0) {
            options.add(StandardOpenOption.READ);
        }
        if ((flags & OpenFlags.WRITE) != 0) {
            options.add(StandardOpenOption.WRITE);
        }
        if ((flags & OpenFlags.CREATE) != 0) {
            options.add((flags & OpenFlags.EXCL) != 0 ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
        }
        if ((flags & OpenFlags.TRUNCATE) != 0) {
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        if ((flags & OpenFlags.APPEND) != 0) {
            options.add(StandardOpenOption.APPEND);
        }
        if ((flags & OpenFlags.NOFOLLOW) != 0) {
            options.add(LinkOption.NOFOLLOW_LINKS);
        }
        if ((flags & OpenFlags.SYNC) != 0) {
            options.add(StandardOpenOption.SYNC);
        }
        if ((flags & OpenFlags.DSYNC) != 0) {
            options.add(StandardOpenOption.DSYNC);
        }
        try {
            if ((flags & OpenFlags.DIRECTORY) != 0 && !Files.isDirectory(file)) {
                throw new NotDirectoryException(file.toString());
            }
            final boolean existed = Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            final FileChannel channel = FileChannel.open(file, options);
            if (!existed && (flags & OpenFlags.CREATE) != 0) {
                Files.setAttribute(file, "unix:mode", mode & 07777);
            }
            openHandles.incrementAndGet();
            return new HostFileHandle(this, channel, file, path, (flags & OpenFlags.APPEND) != 0);
        } catch (final IOException e) {
            throw failure("open", path, e);
        }
    }

    @Override
    public void createDirectory(final String path, final int mode) throws IOException {
        check("mkdir", path);
        try {
            final Path directory = Files.createDirectory(host(path));
            Files.setAttribute(directory, "unix:mode", mode & 07777);
        } catch (final IOException e) {
            throw failure("mkdir", path, e);
        }
    }

    @Override
    public void remove(final String path) throws IOException {
        check("remove", path);
        try {
            Files.delete(host(path));
        } catch (final IOException e) {
            throw failure("remove", path, e);
        }
    }

    @Override
    public void rename(final String from, final String to, final boolean noReplace) throws IOException {
        check("rename", from);
        check("rename", to);
        lastRenameNoReplace = noReplace;
        try {
            final Path target = host(to);
            if (noReplace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(host(from), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (final IOException e) {
            throw failure("rename", from, e);
        }
    }

    @Override
    public void createSymbolicLink(final String target, final String link) throws IOException {
        check("symlink", link);
        try {
            Files.createSymbolicLink(host(link), Path.of(target));
        } catch (final IOException e) {
            throw failure("symlink", link, e);
        }
    }

    @Override
    public String readSymbolicLink(final String path) throws IOException {
        check("readlink", path);
        try {
            return Files.readSymbolicLink(host(path)).toString();
        } catch (final IOException e) {
            throw failure("readlink", path, e);
        }
    }

    @Override
    public void createLink(final String existing, final String link) throws IOException {
        check("link", existing);
        check("link", link);
        try {
            Files.createLink(host(link), host(existing));
        } catch (final IOException e) {
            throw failure("link", link, e);
        }
    }

    @Override
    public void chmod(final String path, final int mode) throws IOException {
        check("chmod", path);
        if ((mode & ~07777) != 0) {
            throw new AssertionError("chmod with file type bits: 0" + Integer.toOctalString(mode));
        }
        lastChmodMode = mode;
        try {
            Files.setAttribute(host(path), "unix:mode", mode);
        } catch (final IOException e) {
            throw failure("chmod", path, e);
        }
    }

    @Override
    public void chown(final String path, final int uid, final int gid, final boolean follow) throws IOException {
        check("chown", path);
        final LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        try {
            final Path file = host(path);
            if (uid != UNCHANGED_ID) {
                Files.setAttribute(file, "unix:uid", uid, options);
            }
            if (gid != UNCHANGED_ID) {
                Files.setAttribute(file, "unix:gid", gid, options);
            }
        } catch (final IOException e) {
            throw failure("chown", path, e);
        }
    }

    @Override
    public void setTimes(final String path, final FileTime atime, final FileTime mtime, final boolean follow)
            throws IOException {
        check("utimes", path);
        final LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        try {
            Files.getFileAttributeView(host(path), BasicFileAttributeView.class, options).setTimes(mtime, atime, null);
        } catch (final IOException e) {
            throw failure("utimensat", path, e);
        }
    }

    @Override
    public void access(final String path, final int mode) throws IOException {
        check("access", path);
        final List<AccessMode> modes = new ArrayList<>();
        if ((mode & 4) != 0) {
            modes.add(AccessMode.READ);
        }
        if ((mode & 2) != 0) {
            modes.add(AccessMode.WRITE);
        }
        if ((mode & 1) != 0) {
            modes.add(AccessMode.EXECUTE);
        }
        try {
            final Path file = host(path);
            file.getFileSystem().provider().checkAccess(file, modes.toArray(AccessMode[]::new));
        } catch (final IOException e) {
            throw failure("access", path, e);
        }
    }

    @Override
    public String realPath(final String path) throws IOException {
        check("realpath", path);
        try {
            final Path real = host(path).toRealPath();
            return real.equals(root) ? "/" : "/" + root.relativize(real);
        } catch (final IOException e) {
            throw failure("realpath", path, e);
        }
    }

    @Override
    public GuestStatFs statFs(final String path) throws IOException {
        check("statfs", path);
        try {
            final FileStore store = Files.getFileStore(host(path));
            final long block = store.getBlockSize();
            return new GuestStatFs(block, store.getTotalSpace() / block, store.getUnallocatedSpace() / block,
                    store.getUsableSpace() / block, store.type());
        } catch (final IOException e) {
            throw failure("statfs", path, e);
        }
    }

    @Override
    public void truncate(final String path, final long size) throws IOException {
        check("truncate", path);
        try (FileChannel channel = FileChannel.open(host(path), StandardOpenOption.WRITE)) {
            HostFileHandle.resize(channel, size);
        } catch (final IOException e) {
            throw failure("truncate", path, e);
        }
    }

    @Override
    public void sync() throws IOException {
        check("sync", "/");
    }

    /** The stat of a host file. */
    static GuestStat statOf(final Path file, final boolean follow) throws IOException {
        final Map<String, Object> unix = follow ? Files.readAttributes(file, "unix:*")
                : Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
        final long size = (Long) unix.get("size");
        return new GuestStat((Integer) unix.get("mode"), (Integer) unix.get("uid"), (Integer) unix.get("gid"),
                (Integer) unix.get("nlink"), size, (Long) unix.get("ino"), (Long) unix.get("dev"),
                (FileTime) unix.get("lastAccessTime"), (FileTime) unix.get("lastModifiedTime"),
                (FileTime) unix.get("ctime"), (size + 511) / 512);
    }

    /** Throws what an injected failure or a gone VM calls for. */
    void check(final String call, final String path) throws IOException {
        if (gone) {
            throw new IOException("the VM is gone (connection reset)");
        }
        final Integer errno = injected.remove(call);
        if (errno != null) {
            throw new AgentException(errno, call + " " + path + ": injected errno " + errno);
        }
    }

    void transferred(final int bytes) {
        largestTransfer.accumulateAndGet(bytes, Math::max);
    }

    void closed() {
        openHandles.decrementAndGet();
    }

    /** The agent's error for a host failure: Linux's errno and {@code "call path: strerror"}. */
    static AgentException failure(final String call, final String path, final IOException e) {
        final int errno = errno(e);
        final String text = STRERROR.entrySet().stream().filter(entry -> entry.getValue() == errno)
                .map(Map.Entry::getKey).findFirst().orElse(String.valueOf(e.getMessage()));
        final AgentException failure = new AgentException(errno, call + " " + path + ": " + text);
        failure.initCause(e);
        return failure;
    }

    private static int errno(final IOException e) {
        if (e instanceof NoSuchFileException) {
            return ENOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return ENOTEMPTY;
        }
        if (e instanceof AccessDeniedException) {
            return EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return ENOTDIR;
        }
        if (e instanceof NotLinkException) {
            return EINVAL;
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return EXDEV;
        }
        final String message = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : String.valueOf(e.getMessage());
        for (final Map.Entry<String, Integer> entry : STRERROR.entrySet()) {
            if (message.contains(entry.getKey())) {
                return entry.getValue();
            }
        }
        return EIO;
    }
}
