package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestStat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The names and ids of a guest's {@code /etc/passwd} or {@code /etc/group} ({@code name:password:id:...}
 * lines), read through the file system and read again only when the file changed (its inode, size or
 * modification time). A missing file has no entries.
 *
 * <p>Thread-safe.
 */
final class GuestAccountFile {
    private static final GuestOpenOptions READ = GuestOpenOptions.of(Set.of(StandardOpenOption.READ));

    private final GuestFileSystem fileSystem;
    private final GuestPath path;
    private Map<String, Integer> ids = Map.of();
    private Map<Integer, String> names = Map.of();
    private GuestStat readAt;

    GuestAccountFile(final GuestFileSystem fileSystem, final String path) {
        this.fileSystem = fileSystem;
        this.path = fileSystem.getPath(path);
    }

    /** The id named {@code name}, or {@code null}. */
    synchronized Integer id(final String name) throws IOException {
        refresh();
        return ids.get(name);
    }

    /** The (first) name of {@code id}, or {@code null}. */
    synchronized String name(final int id) throws IOException {
        refresh();
        return names.get(id);
    }

    private void refresh() throws IOException {
        final GuestStat stat = fileSystem.operations().statIfExists(path, true);
        if (stat == null) {
            readAt = null;
            ids = Map.of();
            names = Map.of();
            return;
        }
        if (readAt != null && readAt.inode() == stat.inode() && readAt.size() == stat.size()
                && Objects.equals(readAt.mtime(), stat.mtime())) {
            return;
        }
        final String text;
        try (InputStream in = Channels.newInputStream(fileSystem.openChannel(path, READ, 0))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final Map<String, Integer> byName = new HashMap<>();
        final Map<Integer, String> byId = new HashMap<>();
        for (final String line : text.split("\n")) {
            final String[] fields = line.split(":", -1);
            if (fields.length < 3 || fields[0].isEmpty() || fields[0].startsWith("#")) {
                continue;
            }
            try {
                final int id = Integer.parseUnsignedInt(fields[2].trim());
                byName.putIfAbsent(fields[0], id);
                byId.putIfAbsent(id, fields[0]);
            } catch (final NumberFormatException e) {
                // Not an entry.
            }
        }
        ids = byName;
        names = byId;
        readAt = stat;
    }
}
