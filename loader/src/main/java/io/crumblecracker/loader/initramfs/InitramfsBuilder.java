package io.crumblecracker.loader.initramfs;

import io.crumblecracker.loader.boot.BootException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Builds an uncompressed initramfs: a {@code newc} ("070701") cpio archive the kernel unpacks into its
 * root file system before running {@code /init}.
 *
 * <p>Every entry is owned by root (uid and gid 0), has modification time 0 (so equal inputs give equal
 * bytes) and a unique inode number, so the unpacker never mistakes two files for hard links. Missing
 * parent directories are added with mode 0755, and all directories are written before anything else,
 * parents first, because the unpacker creates each entry as it reads it.
 *
 * <p>Spec: {@code Documentation/driver-api/early-userspace/buffer-format.rst}; {@code cpio(5)}, "New
 * ASCII Format".
 *
 * <p>Not thread-safe.
 */
public final class InitramfsBuilder {

    private static final int DIRECTORY_MODE = 0755;
    private static final int MAX_PERMISSIONS = 07777;
    private static final int MAX_MAJOR = 0xfff;
    private static final int MAX_MINOR = 0xfffff;

    private final Map<String, Node> nodes = new LinkedHashMap<>();

    /** One archive member; {@code type} is a {@code C_IS*} constant from {@link CpioConstants}. */
    private record Node(String path, int type, int permissions, byte[] content, int major, int minor) {
    }

    /** Adds directory {@code path} (and its parents) with permission bits {@code mode}, for example 0755. */
    public InitramfsBuilder directory(final String path, final int mode) {
        final String name = ArchivePath.normalize(path);
        final Node existing = nodes.get(name);
        if (existing != null && existing.type() != CpioConstants.C_ISDIR) {
            throw new BootException("initramfs path=" + name + " is already a non-directory");
        }
        addParents(name);
        nodes.put(name, new Node(name, CpioConstants.C_ISDIR, permissions(mode), new byte[0], 0, 0));
        return this;
    }

    /** Adds regular file {@code path} holding {@code content}, with permission bits {@code mode}. */
    public InitramfsBuilder file(final String path, final int mode, final byte[] content) {
        return add(path, CpioConstants.C_ISREG, mode, content.clone(), 0, 0);
    }

    /** Adds symbolic link {@code path} pointing at {@code target} (absolute or relative). */
    public InitramfsBuilder symlink(final String path, final String target) {
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new BootException("symlink target=\"" + target + "\" for initramfs path=" + path
                    + " is empty or holds a NUL");
        }
        return add(path, CpioConstants.C_ISLNK, 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    /** Adds character device {@code path} with device number {@code major:minor}, for example 5:1. */
    public InitramfsBuilder charDevice(final String path, final int mode, final int major, final int minor) {
        if (major < 0 || major > MAX_MAJOR || minor < 0 || minor > MAX_MINOR) {
            throw new BootException("device number " + major + ":" + minor + " for initramfs path=" + path
                    + " is outside major 0.." + MAX_MAJOR + ", minor 0.." + MAX_MINOR);
        }
        return add(path, CpioConstants.C_ISCHR, mode, new byte[0], major, minor);
    }

    /** The archive's bytes, uncompressed, ending with the {@code TRAILER!!!} entry. */
    public byte[] build() {
        final List<Node> ordered = new ArrayList<>();
        nodes.values().stream().filter(n -> n.type() == CpioConstants.C_ISDIR)
                .sorted((a, b) -> a.path().compareTo(b.path())).forEach(ordered::add);
        nodes.values().stream().filter(n -> n.type() != CpioConstants.C_ISDIR).forEach(ordered::add);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW,
                CpioConstants.BLOCK_SIZE, StandardCharsets.UTF_8.name())) {
            long inode = 1;
            for (final Node node : ordered) {
                write(cpio, node, inode++);
            }
            cpio.finish();
        } catch (final IOException e) {
            throw new UncheckedIOException("writing a cpio archive to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private InitramfsBuilder add(final String path, final int type, final int mode, final byte[] content,
                                 final int major, final int minor) {
        final String name = ArchivePath.normalize(path);
        if (nodes.containsKey(name)) {
            throw new BootException("initramfs path=" + name + " was already added");
        }
        final int permissions = permissions(mode);
        addParents(name);
        nodes.put(name, new Node(name, type, permissions, content, major, minor));
        return this;
    }

    private void addParents(final String name) {
        final String parent = ArchivePath.parent(name);
        if (parent == null) {
            return;
        }
        final Node existing = nodes.get(parent);
        if (existing == null) {
            addParents(parent);
            nodes.put(parent, new Node(parent, CpioConstants.C_ISDIR, DIRECTORY_MODE, new byte[0], 0, 0));
        } else if (existing.type() != CpioConstants.C_ISDIR) {
            throw new BootException("initramfs path=" + name + " needs parent=" + parent
                    + " to be a directory, but it was added as something else");
        }
    }

    private static int permissions(final int mode) {
        if (mode < 0 || mode > MAX_PERMISSIONS) {
            throw new BootException("initramfs mode=0" + Integer.toOctalString(mode)
                    + " is not a permission value between 0 and 07777");
        }
        return mode;
    }

    private static void write(final CpioArchiveOutputStream cpio, final Node node, final long inode)
            throws IOException {
        final CpioArchiveEntry entry = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, node.path(), node.content().length);
        entry.setMode(node.type() | node.permissions());
        entry.setInode(inode);
        entry.setUID(0);
        entry.setGID(0);
        entry.setNumberOfLinks(node.type() == CpioConstants.C_ISDIR ? 2 : 1);
        entry.setTime(0);
        entry.setRemoteDeviceMaj(node.major());
        entry.setRemoteDeviceMin(node.minor());
        cpio.putArchiveEntry(entry);
        cpio.write(node.content());
        cpio.closeArchiveEntry();
    }
}
