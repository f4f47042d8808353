package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestFileOperations;
import io.crumblecracker.agent.GuestStat;
import io.crumblecracker.agent.GuestStatFs;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code crumble} file system provider: {@code java.nio.file} on the file systems of guest VMs. A VM
 * opens its {@link GuestFileSystem} ({@link #open}) and closes it when it stops; URIs name a file by VM id
 * and path, {@code crumble://<vmId>/etc/passwd}. Every operation is carried out by the guest's agent
 * ({@link GuestFileOperations}); its errors become the exceptions {@link java.nio.file.Files} specifies
 * ({@link GuestErrors}). Relative paths are resolved against {@code /}.
 *
 * <p>One shared instance ({@link #instance()}); thread-safe.
 */
public final class GuestFileSystemProvider extends FileSystemProvider {
    /** The URI scheme. */
    public static final String SCHEME = "crumble";

    private static final GuestFileSystemProvider INSTANCE = new GuestFileSystemProvider();
    /** Input streams buffer this much (larger reads go straight to the channel). */
    private static final int INPUT_BUFFER = 64 * 1024;
    private static final Set<OpenOption> OUTPUT_DEFAULTS =
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);

    private final Map<String, GuestFileSystem> fileSystems = new ConcurrentHashMap<>();

    private GuestFileSystemProvider() {
    }

    /** The provider. */
    public static GuestFileSystemProvider instance() {
        return INSTANCE;
    }

    /**
     * Opens the file system of VM {@code vmId}, whose files {@code operations} reach.
     *
     * @throws FileSystemAlreadyExistsException if that VM's file system is open already
     */
    public GuestFileSystem open(final String vmId, final GuestFileOperations operations) {
        Objects.requireNonNull(operations, "operations");
        if (Objects.requireNonNull(vmId, "vmId").isEmpty()) {
            throw new IllegalArgumentException("empty VM id");
        }
        final GuestFileSystem fileSystem = new GuestFileSystem(this, vmId, operations);
        if (fileSystems.putIfAbsent(vmId, fileSystem) != null) {
            throw new FileSystemAlreadyExistsException("VM " + vmId + " has an open file system");
        }
        return fileSystem;
    }

    /** {@value #SCHEME}. */
    @Override
    public String getScheme() {
        return SCHEME;
    }

    /**
     * Always throws: a guest file system comes from a running VM ({@code Vm.fileSystem()}, {@code Vm.path}).
     */
    @Override
    public GuestFileSystem newFileSystem(final URI uri, final Map<String, ?> env) {
        throw new UnsupportedOperationException(
                "a guest file system comes from a running VM: use Vm.fileSystem() or Vm.path(...), not " + uri);
    }

    /**
     * The open file system of the VM a {@code crumble://<vmId>} URI names.
     *
     * @throws FileSystemNotFoundException if that VM has none open (it stopped, or never ran here)
     */
    @Override
    public GuestFileSystem getFileSystem(final URI uri) {
        final GuestFileSystem fileSystem = fileSystems.get(vmId(uri));
        if (fileSystem == null) {
            throw new FileSystemNotFoundException("no open file system for VM " + uri.getAuthority());
        }
        return fileSystem;
    }

    /**
     * The path a {@code crumble://<vmId>/abs/path} URI names, in that VM's open file system.
     *
     * @throws FileSystemNotFoundException if that VM has none open
     */
    @Override
    public GuestPath getPath(final URI uri) {
        final GuestFileSystem fileSystem = getFileSystem(uri);
        final String path = uri.getPath();
        return fileSystem.getPath(path == null || path.isEmpty() ? "/" : path);
    }

    @Override
    public SeekableByteChannel newByteChannel(final Path path, final Set<? extends OpenOption> options,
                                              final FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    /**
     * Opens a file as {@link java.nio.file.Files#newByteChannel} specifies: every
     * {@link StandardOpenOption} (SPARSE ignored) and NOFOLLOW_LINKS; a created file gets
     * {@code posix:permissions} from {@code attrs}, else 0644.
     */
    @Override
    public FileChannel newFileChannel(final Path path, final Set<? extends OpenOption> options,
                                      final FileAttribute<?>... attrs) throws IOException {
        final GuestPath file = GuestPath.cast(path);
        final GuestOpenOptions open = GuestOpenOptions.of(options);
        final int mode = GuestModes.fromAttributes(GuestModes.DEFAULT_FILE, attrs);
        return file.getFileSystem().openChannel(file, open, mode);
    }

    /** A buffered stream over a channel ({@link FileSystemProvider#newInputStream} has the rules). */
    @Override
    public InputStream newInputStream(final Path path, final OpenOption... options) throws IOException {
        for (final OpenOption option : options) {
            if (option == StandardOpenOption.APPEND || option == StandardOpenOption.WRITE) {
                throw new UnsupportedOperationException("'" + option + "' not allowed");
            }
        }
        final GuestFileChannel channel = (GuestFileChannel) newFileChannel(path, new HashSet<>(Arrays.asList(options)));
        channel.setUninterruptible();
        return new BufferedInputStream(Channels.newInputStream(channel), INPUT_BUFFER);
    }

    /**
     * A buffered stream over a channel, by default CREATE, TRUNCATE_EXISTING and WRITE
     * ({@link FileSystemProvider#newOutputStream} has the rules). Bytes reach the guest when the buffer (one
     * {@link GuestFileChannel#CHUNK}) is full, on {@code flush()} and on {@code close()}.
     */
    @Override
    public OutputStream newOutputStream(final Path path, final OpenOption... options) throws IOException {
        final Set<OpenOption> opts;
        if (options.length == 0) {
            opts = OUTPUT_DEFAULTS;
        } else {
            opts = new HashSet<>();
            for (final OpenOption option : options) {
                if (option == StandardOpenOption.READ) {
                    throw new IllegalArgumentException("READ not allowed");
                }
                opts.add(Objects.requireNonNull(option, "option"));
            }
            opts.add(StandardOpenOption.WRITE);
        }
        final GuestFileChannel channel = (GuestFileChannel) newFileChannel(path, opts);
        channel.setUninterruptible();
        return new BufferedOutputStream(Channels.newOutputStream(channel), GuestFileChannel.CHUNK);
    }

    /**
     * The entries of a directory, read at once; {@code filter} is applied while iterating.
     *
     * @throws java.nio.file.NotDirectoryException if it is not a directory
     */
    @Override
    public DirectoryStream<Path> newDirectoryStream(final Path dir, final DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        final GuestPath directory = GuestPath.cast(dir);
        Objects.requireNonNull(filter, "filter");
        final GuestFileSystem fileSystem = directory.getFileSystem();
        final GuestDirectoryStream stream = new GuestDirectoryStream(fileSystem, directory,
                fileSystem.operations().readDirectory(directory), filter);
        fileSystem.track(stream);
        return stream;
    }

    /** {@code mkdir(2)} with {@code posix:permissions} from {@code attrs}, else 0755. */
    @Override
    public void createDirectory(final Path dir, final FileAttribute<?>... attrs) throws IOException {
        final GuestPath directory = GuestPath.cast(dir);
        final int mode = GuestModes.fromAttributes(GuestModes.DEFAULT_DIRECTORY, attrs);
        directory.getFileSystem().operations().createDirectory(directory, mode);
    }

    /** A symbolic link to {@code target} (kept as it is, relative or not); initial attributes not supported. */
    @Override
    public void createSymbolicLink(final Path link, final Path target, final FileAttribute<?>... attrs)
            throws IOException {
        final GuestPath file = GuestPath.cast(link);
        final GuestPath to = GuestPath.cast(target);
        if (attrs.length > 0) {
            throw new UnsupportedOperationException("Initial file attributes not supported when creating a symbolic link");
        }
        file.getFileSystem().operations().createSymbolicLink(to.toString(), file);
    }

    /**
     * A hard link.
     *
     * @throws java.nio.file.FileSystemException if the two paths are in different VMs
     */
    @Override
    public void createLink(final Path link, final Path existing) throws IOException {
        final GuestPath file = GuestPath.cast(link);
        final GuestPath target = GuestPath.cast(existing);
        if (file.getFileSystem() != target.getFileSystem()) {
            throw new FileSystemException(link.toString(), existing.toString(), "not in the same VM");
        }
        file.getFileSystem().operations().createLink(target, file);
    }

    /** Removes a file, link or empty directory ({@link java.nio.file.DirectoryNotEmptyException} if not empty). */
    @Override
    public void delete(final Path path) throws IOException {
        final GuestPath file = GuestPath.cast(path);
        file.getFileSystem().operations().remove(file);
    }

    /** The target of a symbolic link ({@link java.nio.file.NotLinkException} if it is none). */
    @Override
    public GuestPath readSymbolicLink(final Path link) throws IOException {
        final GuestPath file = GuestPath.cast(link);
        final GuestFileSystem fileSystem = file.getFileSystem();
        return fileSystem.getPath(fileSystem.operations().readSymbolicLink(file));
    }

    /** Copies in the guest (or between VMs): see {@link GuestCopier}. */
    @Override
    public void copy(final Path source, final Path target, final CopyOption... options) throws IOException {
        GuestCopier.copy(GuestPath.cast(source), GuestPath.cast(target), options);
    }

    /** Renames in the guest (across devices or VMs: copies and removes): see {@link GuestCopier}. */
    @Override
    public void move(final Path source, final Path target, final CopyOption... options) throws IOException {
        GuestCopier.move(GuestPath.cast(source), GuestPath.cast(target), options);
    }

    /** Equal paths, or files with the same device and inode in one VM. */
    @Override
    public boolean isSameFile(final Path path, final Path path2) throws IOException {
        final GuestPath first = GuestPath.cast(path);
        if (first.equals(path2)) {
            return true;
        }
        if (!(Objects.requireNonNull(path2, "path2") instanceof GuestPath second)
                || first.getFileSystem() != second.getFileSystem()) {
            return false;
        }
        final GuestOperations operations = first.getFileSystem().operations();
        final GuestStat a = operations.stat(first, true);
        final GuestStat b = operations.stat(second, true);
        return a.device() == b.device() && a.inode() == b.inode();
    }

    /** True if the file name starts with a dot. */
    @Override
    public boolean isHidden(final Path path) {
        final GuestPath file = GuestPath.cast(path);
        file.getFileSystem().ensureOpen();
        final GuestPath name = file.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /** The guest file system the file is on, from {@code statfs(2)}. */
    @Override
    public FileStore getFileStore(final Path path) throws IOException {
        final GuestPath file = GuestPath.cast(path);
        final GuestOperations operations = file.getFileSystem().operations();
        final GuestStat stat = operations.stat(file, true);
        final GuestStatFs statFs = operations.statFs(file);
        return new GuestFileStore(file, stat.device(), statFs.type());
    }

    /** {@code access(2)} for the modes (none: the file exists). */
    @Override
    public void checkAccess(final Path path, final AccessMode... modes) throws IOException {
        final GuestPath file = GuestPath.cast(path);
        int mode = 0;
        for (final AccessMode access : modes) {
            mode |= switch (Objects.requireNonNull(access, "mode")) {
                case READ -> 4;
                case WRITE -> 2;
                case EXECUTE -> 1;
            };
        }
        file.getFileSystem().operations().access(file, mode);
    }

    /** Views {@code basic}, {@code posix} and {@code owner}; {@code null} for others. */
    @Override
    public <V extends FileAttributeView> V getFileAttributeView(final Path path, final Class<V> type,
                                                                final LinkOption... options) {
        final GuestPath file = GuestPath.cast(path);
        final boolean follow = GuestLinks.follow(options);
        if (type == BasicFileAttributeView.class) {
            return type.cast(new GuestBasicAttributeView(file, follow));
        }
        if (type == PosixFileAttributeView.class) {
            return type.cast(new GuestPosixAttributeView(file, follow));
        }
        if (type == FileOwnerAttributeView.class) {
            return type.cast(new GuestOwnerAttributeView(new GuestPosixAttributeView(file, follow)));
        }
        Objects.requireNonNull(type, "type");
        return null;
    }

    /**
     * {@link BasicFileAttributes} or {@link PosixFileAttributes} (both a {@link GuestFileAttributes}).
     *
     * @throws UnsupportedOperationException for another type
     */
    @Override
    public <A extends BasicFileAttributes> A readAttributes(final Path path, final Class<A> type,
                                                            final LinkOption... options) throws IOException {
        final GuestPath file = GuestPath.cast(path);
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class
                && type != GuestFileAttributes.class) {
            Objects.requireNonNull(type, "type");
            throw new UnsupportedOperationException(type.getName() + " not supported by guest file systems");
        }
        return type.cast(new GuestBasicAttributeView(file, GuestLinks.follow(options)).readAttributes());
    }

    /** Attributes by name ({@code basic:*}, {@code posix:*}, {@code unix:*}, ...): see {@link GuestAttributeStrings}. */
    @Override
    public Map<String, Object> readAttributes(final Path path, final String attributes, final LinkOption... options)
            throws IOException {
        return GuestAttributeStrings.read(GuestPath.cast(path), attributes, GuestLinks.follow(options));
    }

    /** Sets one attribute by name: see {@link GuestAttributeStrings}. */
    @Override
    public void setAttribute(final Path path, final String attribute, final Object value, final LinkOption... options)
            throws IOException {
        GuestAttributeStrings.write(GuestPath.cast(path), attribute, value, GuestLinks.follow(options));
    }

    /** Called by a file system that closed. */
    void closed(final GuestFileSystem fileSystem) {
        fileSystems.remove(fileSystem.vmId(), fileSystem);
    }

    private static String vmId(final URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a " + SCHEME + ": URI: " + uri);
        }
        final String authority = uri.getAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException("no VM id in " + uri + " (expected " + SCHEME + "://<vmId>/path)");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("a query or fragment in " + uri);
        }
        return authority;
    }
}
