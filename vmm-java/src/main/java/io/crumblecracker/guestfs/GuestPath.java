package io.crumblecracker.guestfs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A POSIX path in a guest's file system: a string of names separated by {@code /}, absolute when it starts
 * with {@code /}. Redundant and trailing slashes are dropped when it is made; everything else
 * ({@link #normalize}, {@link #resolve}, {@link #relativize}, ...) is pure string algebra that behaves as the
 * JDK's own Unix paths do. Only {@link #toRealPath} reaches the guest. A relative path is resolved against
 * {@code /} ({@link #toAbsolutePath}), the guest having no working directory.
 *
 * <p>Immutable and thread-safe, as {@link Path} requires.
 */
public final class GuestPath implements Path {
    private static final String SEPARATOR = "/";

    private final GuestFileSystem fileSystem;
    /** Without repeated or trailing slashes ({@code /} alone is the root, empty the empty path). */
    private final String path;
    /** Where each name starts in {@link #path}. */
    private final int[] offsets;

    private GuestPath(final GuestFileSystem fileSystem, final String path) {
        this.fileSystem = fileSystem;
        this.path = path;
        this.offsets = offsets(path);
    }

    /**
     * The path {@code input} names, cleaned of repeated and trailing slashes.
     *
     * @throws InvalidPathException if it contains a NUL character
     */
    static GuestPath parse(final GuestFileSystem fileSystem, final String input) {
        final int nul = input.indexOf('\0');
        if (nul >= 0) {
            throw new InvalidPathException(input, "Nul character not allowed", nul);
        }
        return new GuestPath(fileSystem, clean(input));
    }

    /**
     * {@code path} as a guest path.
     *
     * @throws ProviderMismatchException if it belongs to another provider
     */
    static GuestPath cast(final Path path) {
        if (Objects.requireNonNull(path, "path") instanceof GuestPath guest) {
            return guest;
        }
        throw new ProviderMismatchException("not a guest path: " + path + " (" + path.getClass().getName() + ")");
    }

    @Override
    public GuestFileSystem getFileSystem() {
        return fileSystem;
    }

    @Override
    public boolean isAbsolute() {
        return path.startsWith(SEPARATOR);
    }

    @Override
    public GuestPath getRoot() {
        return isAbsolute() ? fileSystem.root() : null;
    }

    @Override
    public GuestPath getFileName() {
        final int count = offsets.length;
        if (count == 0) {
            return null;
        }
        if (count == 1 && !isAbsolute()) {
            return this;
        }
        return new GuestPath(fileSystem, path.substring(offsets[count - 1]));
    }

    @Override
    public GuestPath getParent() {
        final int count = offsets.length;
        if (count == 0) {
            return null;
        }
        if (count == 1) {
            return getRoot();
        }
        return new GuestPath(fileSystem, path.substring(0, offsets[count - 1] - 1));
    }

    @Override
    public int getNameCount() {
        return offsets.length;
    }

    @Override
    public GuestPath getName(final int index) {
        if (index < 0 || index >= offsets.length) {
            throw new IllegalArgumentException("name index " + index + " out of range for " + offsets.length
                    + " names in '" + path + "'");
        }
        return new GuestPath(fileSystem, name(index));
    }

    @Override
    public GuestPath subpath(final int beginIndex, final int endIndex) {
        if (beginIndex < 0 || beginIndex >= offsets.length || endIndex > offsets.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") out of range for "
                    + offsets.length + " names in '" + path + "'");
        }
        return new GuestPath(fileSystem, path.substring(offsets[beginIndex], end(endIndex - 1)));
    }

    /** True if {@code other} (a guest path) names a prefix of this path's names, both absolute or both not. */
    @Override
    public boolean startsWith(final Path other) {
        if (!(Objects.requireNonNull(other, "other") instanceof GuestPath that) || that.isAbsolute() != isAbsolute()) {
            return false;
        }
        if (that.path.isEmpty()) {
            return path.isEmpty();
        }
        if (that.offsets.length > offsets.length) {
            return false;
        }
        for (int i = 0; i < that.offsets.length; i++) {
            if (!name(i).equals(that.name(i))) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code other} (a guest path) names a suffix of this path's names, or equals it if absolute. */
    @Override
    public boolean endsWith(final Path other) {
        if (!(Objects.requireNonNull(other, "other") instanceof GuestPath that)) {
            return false;
        }
        if (that.path.isEmpty()) {
            return path.isEmpty();
        }
        if (that.isAbsolute()) {
            return path.equals(that.path);
        }
        final int skip = offsets.length - that.offsets.length;
        if (skip < 0) {
            return false;
        }
        for (int i = 0; i < that.offsets.length; i++) {
            if (!name(skip + i).equals(that.name(i))) {
                return false;
            }
        }
        return true;
    }

    /** Without {@code .} names, and without {@code ..} names where a preceding name cancels them. */
    @Override
    public GuestPath normalize() {
        final boolean absolute = isAbsolute();
        final List<String> names = new ArrayList<>(offsets.length);
        for (int i = 0; i < offsets.length; i++) {
            final String name = name(i);
            if (name.equals(".") || name.isEmpty()) {
                continue;
            }
            if (name.equals("..")) {
                if (!names.isEmpty() && !names.getLast().equals("..")) {
                    names.removeLast();
                    continue;
                }
                if (absolute) {
                    continue;
                }
            }
            names.add(name);
        }
        final String normal = (absolute ? SEPARATOR : "") + String.join(SEPARATOR, names);
        return normal.equals(path) ? this : new GuestPath(fileSystem, normal);
    }

    @Override
    public GuestPath resolve(final Path other) {
        final GuestPath that = cast(other);
        if (that.isAbsolute() || path.isEmpty()) {
            return that.fileSystem == fileSystem ? that : new GuestPath(fileSystem, that.path);
        }
        if (that.path.isEmpty()) {
            return this;
        }
        return new GuestPath(fileSystem, path.equals(SEPARATOR) ? SEPARATOR + that.path : path + SEPARATOR + that.path);
    }

    /**
     * The relative path from this path to {@code other}: {@code p.relativize(p.resolve(q)).equals(q)} for
     * normalised paths. Paths with {@code .} or {@code ..} names are normalised first.
     *
     * @throws IllegalArgumentException if only one of them is absolute, or the result cannot be computed
     */
    @Override
    public GuestPath relativize(final Path other) {
        GuestPath child = cast(other);
        if (child.fileSystem != fileSystem) {
            child = new GuestPath(fileSystem, child.path);
        }
        if (child.path.equals(path)) {
            return fileSystem.emptyPath();
        }
        if (isAbsolute() != child.isAbsolute()) {
            throw new IllegalArgumentException("'" + other + "' is absolute and '" + this + "' is not, or the reverse");
        }
        if (path.isEmpty()) {
            return child;
        }
        GuestPath base = this;
        if (base.hasDots() || child.hasDots()) {
            base = base.normalize();
            child = child.normalize();
        }
        final int common = base.commonNames(child);
        final GuestPath childRest = common == child.offsets.length ? fileSystem.emptyPath()
                : child.subpath(common, child.offsets.length);
        if (common == base.offsets.length) {
            return childRest;
        }
        final GuestPath baseRest = base.subpath(common, base.offsets.length);
        if (baseRest.hasDots()) {
            throw new IllegalArgumentException("cannot compute a relative path from '" + this + "' to '" + other + "'");
        }
        if (baseRest.path.isEmpty()) {
            return childRest;
        }
        final StringBuilder relative = new StringBuilder();
        for (int i = 0; i < baseRest.offsets.length; i++) {
            relative.append(i == 0 ? "" : SEPARATOR).append("..");
        }
        if (!childRest.path.isEmpty()) {
            relative.append(SEPARATOR).append(childRest.path);
        }
        return new GuestPath(fileSystem, relative.toString());
    }

    /** {@code crumble://<vmId>/absolute/path}, characters that URIs do not allow quoted. */
    @Override
    public URI toUri() {
        try {
            return new URI(GuestFileSystemProvider.SCHEME, fileSystem.vmId(), toAbsolutePath().path, null, null);
        } catch (final URISyntaxException e) {
            throw new IllegalStateException("no URI for " + this + " in VM " + fileSystem.vmId(), e);
        }
    }

    /** This path resolved against the root {@code /}. */
    @Override
    public GuestPath toAbsolutePath() {
        return isAbsolute() ? this : fileSystem.root().resolve(this);
    }

    /**
     * The guest's canonical name for this file ({@code realpath(3)}), or with {@link LinkOption#NOFOLLOW_LINKS}
     * the absolute, normalised path of a file that exists (its links are not resolved).
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     */
    @Override
    public GuestPath toRealPath(final LinkOption... options) throws IOException {
        final GuestOperations operations = fileSystem.operations();
        if (GuestLinks.follow(options)) {
            return parse(fileSystem, operations.realPath(this));
        }
        final GuestPath normal = toAbsolutePath().normalize();
        operations.stat(normal, false);
        return normal;
    }

    /** Always throws: guest file systems have no watch service. */
    @Override
    public WatchKey register(final WatchService watcher, final WatchEvent.Kind<?>[] events,
                             final WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("watching files of a guest VM is not supported");
    }

    /** Orders paths by their names' code points (the order of their UTF-8 bytes). */
    @Override
    public int compareTo(final Path other) {
        final String that = ((GuestPath) other).path;
        int i = 0;
        int j = 0;
        while (i < path.length() && j < that.length()) {
            final int a = path.codePointAt(i);
            final int b = that.codePointAt(j);
            if (a != b) {
                return Integer.compare(a, b);
            }
            i += Character.charCount(a);
            j += Character.charCount(b);
        }
        return Integer.compare(path.length() - i, that.length() - j);
    }

    /** Equal to a guest path of the same file system with the same string. */
    @Override
    public boolean equals(final Object other) {
        return other instanceof GuestPath that && that.fileSystem == fileSystem && that.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    /** The path as a string, without redundant slashes. */
    @Override
    public String toString() {
        return path;
    }

    /** The absolute string the guest gets for this path. */
    String guestString() {
        return toAbsolutePath().path;
    }

    private String name(final int index) {
        return path.substring(offsets[index], end(index));
    }

    private int end(final int index) {
        return index + 1 < offsets.length ? offsets[index + 1] - 1 : path.length();
    }

    private boolean hasDots() {
        for (int i = 0; i < offsets.length; i++) {
            final String name = name(i);
            if (name.equals(".") || name.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private int commonNames(final GuestPath other) {
        final int limit = Math.min(offsets.length, other.offsets.length);
        int i = 0;
        while (i < limit && name(i).equals(other.name(i))) {
            i++;
        }
        return i;
    }

    private static String clean(final String input) {
        if (!input.contains("//") && (input.length() <= 1 || !input.endsWith(SEPARATOR))) {
            return input;
        }
        final StringBuilder clean = new StringBuilder(input.length());
        char previous = 0;
        for (int i = 0; i < input.length(); i++) {
            final char c = input.charAt(i);
            if (c != '/' || previous != '/') {
                clean.append(c);
            }
            previous = c;
        }
        if (clean.length() > 1 && clean.charAt(clean.length() - 1) == '/') {
            clean.setLength(clean.length() - 1);
        }
        return clean.toString();
    }

    private static int[] offsets(final String path) {
        if (path.isEmpty()) {
            return new int[] {0};
        }
        int count = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
                count++;
            }
        }
        final int[] offsets = new int[count];
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) != '/' && (i == 0 || path.charAt(i - 1) == '/')) {
                offsets[n++] = i;
            }
        }
        return offsets;
    }
}
