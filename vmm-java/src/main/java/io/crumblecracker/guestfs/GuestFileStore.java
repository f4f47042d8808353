package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestStatFs;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Set;

/**
 * The guest file system a file is on, from {@code statfs(2)}: its type ({@code overlay}, {@code tmpfs},
 * ...) is also its {@link #name()}; the space figures are asked of the guest each time. Two stores are equal
 * when they are of the same VM and device. {@link #isReadOnly()} is false: {@code statfs} does not say.
 */
public final class GuestFileStore extends FileStore {
    private static final Set<String> VIEWS = Set.of("basic", "posix", "unix", "owner");

    private final GuestPath path;
    private final long device;
    private final String type;

    GuestFileStore(final GuestPath path, final long device, final String type) {
        this.path = path;
        this.device = device;
        this.type = type;
    }

    /** The file system type. */
    @Override
    public String name() {
        return type;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public long getTotalSpace() throws IOException {
        final GuestStatFs statFs = statFs();
        return statFs.blocks() * statFs.blockSize();
    }

    @Override
    public long getUsableSpace() throws IOException {
        final GuestStatFs statFs = statFs();
        return statFs.availableBlocks() * statFs.blockSize();
    }

    @Override
    public long getUnallocatedSpace() throws IOException {
        final GuestStatFs statFs = statFs();
        return statFs.freeBlocks() * statFs.blockSize();
    }

    @Override
    public long getBlockSize() throws IOException {
        return statFs().blockSize();
    }

    @Override
    public boolean supportsFileAttributeView(final Class<? extends FileAttributeView> type) {
        return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
                || type == FileOwnerAttributeView.class;
    }

    @Override
    public boolean supportsFileAttributeView(final String name) {
        return VIEWS.contains(name);
    }

    /** None: a guest store has no attribute views of its own. */
    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(final Class<V> type) {
        return null;
    }

    /** {@code totalSpace}, {@code usableSpace}, {@code unallocatedSpace} or {@code blockSize}. */
    @Override
    public Object getAttribute(final String attribute) throws IOException {
        return switch (attribute) {
            case "totalSpace" -> getTotalSpace();
            case "usableSpace" -> getUsableSpace();
            case "unallocatedSpace" -> getUnallocatedSpace();
            case "blockSize" -> getBlockSize();
            default -> throw new UnsupportedOperationException("'" + attribute + "' not recognized");
        };
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof GuestFileStore that && that.path.getFileSystem() == path.getFileSystem()
                && that.device == device;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(device);
    }

    @Override
    public String toString() {
        return type + " (" + path.getFileSystem().vmId() + ", device " + device + ")";
    }

    private GuestStatFs statFs() throws IOException {
        return path.getFileSystem().operations().statFs(path);
    }
}
