package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestFileOperations;
import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Attributes by name, as {@link java.nio.file.Files#readAttributes(java.nio.file.Path, String,
 * java.nio.file.LinkOption...)} and {@link java.nio.file.Files#setAttribute} name them
 * ({@code [view:]name[,name...]} or {@code view:*}). Views, as in the JDK on Linux:
 * <ul>
 * <li>{@code basic}: lastModifiedTime, lastAccessTime, creationTime, size, isRegularFile, isDirectory,
 *     isSymbolicLink, isOther, fileKey;</li>
 * <li>{@code owner}: owner;</li>
 * <li>{@code posix}: basic's, permissions, owner, group;</li>
 * <li>{@code unix}: posix's, mode, ino, dev, nlink, uid, gid, ctime ({@code rdev} is not available).</li>
 * </ul>
 * Settable: the times, permissions, owner, group, and {@code unix:mode}, {@code unix:uid}, {@code unix:gid}.
 */
final class GuestAttributeStrings {
    private static final Map<String, Map<String, Function<GuestFileAttributes, Object>>> VIEWS = views();

    private GuestAttributeStrings() {
    }

    /**
     * The attributes {@code attributes} names, of the file at {@code path}.
     *
     * @throws UnsupportedOperationException for an unknown view
     * @throws IllegalArgumentException      for an unknown attribute name
     */
    static Map<String, Object> read(final GuestPath path, final String attributes, final boolean follow)
            throws IOException {
        final int colon = attributes.indexOf(':');
        final String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        final Map<String, Function<GuestFileAttributes, Object>> known = view(view);
        final Map<String, Function<GuestFileAttributes, Object>> wanted = new LinkedHashMap<>();
        for (final String name : attributes.substring(colon + 1).split(",", -1)) {
            if (name.equals("*")) {
                wanted.putAll(known);
            } else if (known.containsKey(name)) {
                wanted.put(name, known.get(name));
            } else {
                throw new IllegalArgumentException("'" + name + "' not recognized in view '" + view + "'");
            }
        }
        final GuestFileAttributes read = new GuestBasicAttributeView(path, follow).readAttributes();
        final Map<String, Object> values = new HashMap<>();
        wanted.forEach((name, value) -> values.put(name, value.apply(read)));
        return values;
    }

    /**
     * Sets one attribute ({@code [view:]name}).
     *
     * @throws UnsupportedOperationException for an unknown view
     * @throws IllegalArgumentException      for an unknown or read-only attribute
     * @throws ClassCastException            if {@code value} is not of the attribute's type
     */
    static void write(final GuestPath path, final String attribute, final Object value, final boolean follow)
            throws IOException {
        final int colon = attribute.indexOf(':');
        final String view = colon < 0 ? "basic" : attribute.substring(0, colon);
        final String name = attribute.substring(colon + 1);
        view(view);
        final GuestPosixAttributeView posix = new GuestPosixAttributeView(path, follow);
        final boolean done = switch (view) {
            case "basic" -> setBasic(posix, name, value);
            case "owner" -> name.equals("owner") && setPosix(posix, name, value);
            case "posix" -> setBasic(posix, name, value) || setPosix(posix, name, value);
            default -> setBasic(posix, name, value) || setPosix(posix, name, value) || setUnix(posix, name, value);
        };
        if (!done) {
            throw new IllegalArgumentException("'" + view + ":" + name + "' not recognized or not settable");
        }
    }

    private static boolean setBasic(final GuestPosixAttributeView view, final String name, final Object value)
            throws IOException {
        switch (name) {
            case "lastModifiedTime" -> view.setTimes((FileTime) value, null, null);
            case "lastAccessTime" -> view.setTimes(null, (FileTime) value, null);
            case "creationTime" -> view.setTimes(null, null, (FileTime) value);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean setPosix(final GuestPosixAttributeView view, final String name, final Object value)
            throws IOException {
        switch (name) {
            case "permissions" -> view.setPermissions(GuestModes.permissionSet(value));
            case "owner" -> view.setOwner((UserPrincipal) value);
            case "group" -> view.setGroup((GroupPrincipal) value);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean setUnix(final GuestPosixAttributeView view, final String name, final Object value)
            throws IOException {
        switch (name) {
            case "mode" -> view.setMode((Integer) value);
            case "uid" -> view.setIds((Integer) value, GuestFileOperations.UNCHANGED_ID);
            case "gid" -> view.setIds(GuestFileOperations.UNCHANGED_ID, (Integer) value);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Function<GuestFileAttributes, Object>> view(final String name) {
        final Map<String, Function<GuestFileAttributes, Object>> view = VIEWS.get(name);
        if (view == null) {
            throw new UnsupportedOperationException("View '" + name + "' not available");
        }
        return view;
    }

    private static Map<String, Map<String, Function<GuestFileAttributes, Object>>> views() {
        final Map<String, Function<GuestFileAttributes, Object>> basic = new LinkedHashMap<>();
        basic.put("lastModifiedTime", GuestFileAttributes::lastModifiedTime);
        basic.put("lastAccessTime", GuestFileAttributes::lastAccessTime);
        basic.put("creationTime", GuestFileAttributes::creationTime);
        basic.put("size", GuestFileAttributes::size);
        basic.put("isRegularFile", GuestFileAttributes::isRegularFile);
        basic.put("isDirectory", GuestFileAttributes::isDirectory);
        basic.put("isSymbolicLink", GuestFileAttributes::isSymbolicLink);
        basic.put("isOther", GuestFileAttributes::isOther);
        basic.put("fileKey", GuestFileAttributes::fileKey);
        final Map<String, Function<GuestFileAttributes, Object>> owner = new LinkedHashMap<>();
        owner.put("owner", GuestFileAttributes::owner);
        final Map<String, Function<GuestFileAttributes, Object>> posix = new LinkedHashMap<>(basic);
        posix.put("permissions", GuestFileAttributes::permissions);
        posix.put("owner", GuestFileAttributes::owner);
        posix.put("group", GuestFileAttributes::group);
        final Map<String, Function<GuestFileAttributes, Object>> unix = new LinkedHashMap<>(posix);
        unix.put("mode", a -> a.stat().mode());
        unix.put("ino", a -> a.stat().inode());
        unix.put("dev", a -> a.stat().device());
        unix.put("nlink", a -> a.stat().nlink());
        unix.put("uid", a -> a.stat().uid());
        unix.put("gid", a -> a.stat().gid());
        unix.put("ctime", a -> a.stat().ctime());
        return Map.of("basic", basic, "owner", owner, "posix", posix, "unix", unix);
    }
}
