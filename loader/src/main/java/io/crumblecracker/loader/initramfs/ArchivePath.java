package io.crumblecracker.loader.initramfs;

import io.crumblecracker.loader.boot.BootException;

/**
 * Validates and normalizes a path inside an initramfs: "/dev/console" and "dev/console" both become
 * "dev/console", the name the kernel's unpacker resolves relative to the new root.
 *
 * <p>Rejected: empty paths, empty, "." and ".." components (nothing may escape or alias the root), a
 * trailing slash, NUL and other control characters, and paths longer than {@code PATH_MAX}.
 */
final class ArchivePath {

    /** Linux {@code PATH_MAX}, terminating NUL included. */
    static final int PATH_MAX = 4096;

    private ArchivePath() {
    }

    static String normalize(final String path) {
        if (path == null || path.isEmpty() || "/".equals(path)) {
            throw new BootException("initramfs path=\"" + path + "\" is empty or the root itself");
        }
        final String relative = path.startsWith("/") ? path.substring(1) : path;
        if (relative.length() >= PATH_MAX) {
            throw new BootException("initramfs path of " + relative.length() + " characters is longer than PATH_MAX="
                    + PATH_MAX);
        }
        for (int i = 0; i < relative.length(); i++) {
            final char c = relative.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BootException("initramfs path=\"" + printable(relative) + "\" has control character=0x"
                        + Integer.toHexString(c) + " at index=" + i);
            }
        }
        for (final String part : relative.split("/", -1)) {
            if (part.isEmpty() || ".".equals(part) || "..".equals(part)) {
                throw new BootException("initramfs path=\"" + path + "\" has an empty, \".\" or \"..\" component");
            }
        }
        return relative;
    }

    /** The parent of a normalized path, or {@code null} at the top level. */
    static String parent(final String normalized) {
        final int slash = normalized.lastIndexOf('/');
        return slash < 0 ? null : normalized.substring(0, slash);
    }

    private static String printable(final String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }
}
