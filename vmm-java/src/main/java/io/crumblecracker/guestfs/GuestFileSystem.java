package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestFileHandle;
import io.crumblecracker.agent.GuestFileOperations;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The file system of one guest VM, for {@code java.nio.file}: paths ({@link #getPath}), and through its
 * {@link GuestFileSystemProvider} every {@link java.nio.file.Files} operation, carried out by the guest's
 * agent. One root ({@code /}), one file store (the root's), views {@code basic}, {@code posix},
 * {@code unix} and {@code owner}; no watch service.
 *
 * <p>The VM opens it ({@link GuestFileSystemProvider#open}) and closes it when it stops: afterwards every
 * operation on its files throws {@link ClosedFileSystemException}, and the channels and directory streams
 * it opened are closed. Paths stay usable as values.
 *
 * <p>Thread-safe, as {@link FileSystem} requires.
 */
public final class GuestFileSystem extends FileSystem {
    private final GuestFileSystemProvider provider;
    private final String vmId;
    private final GuestOperations operations;
    private final GuestPrincipals principals;
    private final GuestPath root;
    private final GuestPath empty;
    private final AtomicBoolean open = new AtomicBoolean(true);
    /** Channels and directory streams to close with the file system. */
    private final Set<Closeable> resources = ConcurrentHashMap.newKeySet();

    GuestFileSystem(final GuestFileSystemProvider provider, final String vmId, final GuestFileOperations files) {
        this.provider = provider;
        this.vmId = vmId;
        this.operations = new GuestOperations(this, files);
        this.root = GuestPath.parse(this, "/");
        this.empty = GuestPath.parse(this, "");
        this.principals = new GuestPrincipals(this);
    }

    /** The id of the VM whose file system this is (the authority of its URIs). */
    public String vmId() {
        return vmId;
    }

    @Override
    public GuestFileSystemProvider provider() {
        return provider;
    }

    /**
     * Closes the file system and everything it opened; idempotent. The VM does this when it stops.
     */
    @Override
    public void close() throws IOException {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        provider.closed(this);
        IOException failure = null;
        for (final Closeable resource : List.copyOf(resources)) {
            try {
                resource.close();
            } catch (final IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        resources.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(root);
    }

    /** The store of the root directory (none if the guest cannot say). */
    @Override
    public Iterable<FileStore> getFileStores() {
        ensureOpen();
        final List<FileStore> stores = new ArrayList<>(1);
        try {
            stores.add(provider.getFileStore(root));
        } catch (final IOException e) {
            // As FileSystem#getFileStores specifies: stores that cannot be read are left out.
        }
        return stores;
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic", "posix", "unix", "owner");
    }

    /**
     * A path from {@code first} and {@code more} joined with {@code /} (empty strings skipped); it is not
     * checked against the guest.
     *
     * @throws java.nio.file.InvalidPathException if it contains a NUL character
     */
    @Override
    public GuestPath getPath(final String first, final String... more) {
        Objects.requireNonNull(first, "first");
        if (more.length == 0) {
            return GuestPath.parse(this, first);
        }
        final StringBuilder joined = new StringBuilder(first);
        for (final String segment : more) {
            if (!segment.isEmpty()) {
                if (!joined.isEmpty()) {
                    joined.append('/');
                }
                joined.append(segment);
            }
        }
        return GuestPath.parse(this, joined.toString());
    }

    /** A {@code glob:} or {@code regex:} matcher ({@link GuestPathMatchers}). */
    @Override
    public PathMatcher getPathMatcher(final String syntaxAndPattern) {
        return GuestPathMatchers.of(syntaxAndPattern);
    }

    /** Users and groups of the guest: numeric ids, or names from its {@code /etc/passwd} and {@code /etc/group}. */
    @Override
    public GuestPrincipals getUserPrincipalLookupService() {
        return principals;
    }

    /** Always throws: guest file systems cannot be watched. */
    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("watching files of a guest VM is not supported");
    }

    @Override
    public String toString() {
        return "GuestFileSystem[" + vmId + (isOpen() ? "" : ", closed") + "]";
    }

    /** Throws {@link ClosedFileSystemException} once closed. */
    void ensureOpen() {
        if (!open.get()) {
            throw new ClosedFileSystemException();
        }
    }

    /** The guest's operations, in terms of this file system's paths. */
    GuestOperations operations() {
        return operations;
    }

    /** The lookup service whose principals attributes carry. */
    GuestPrincipals principals() {
        return principals;
    }

    /** {@code /}. */
    GuestPath root() {
        return root;
    }

    /** The empty path. */
    GuestPath emptyPath() {
        return empty;
    }

    /** Opens a channel on {@code path}; {@code mode} if it is created. */
    GuestFileChannel openChannel(final GuestPath path, final GuestOpenOptions options, final int mode)
            throws IOException {
        final GuestFileHandle handle = operations.open(path, options, mode);
        final GuestFileChannel channel = new GuestFileChannel(this, handle, path, options);
        track(channel);
        return channel;
    }

    /** Closes {@code resource} with the file system (at once if it is closed already). */
    void track(final Closeable resource) throws IOException {
        resources.add(resource);
        if (!open.get()) {
            resources.remove(resource);
            resource.close();
            throw new ClosedFileSystemException();
        }
    }

    /** Forgets a resource that was closed. */
    void untrack(final Closeable resource) {
        resources.remove(resource);
    }
}
