package io.crumblecracker.guestfs;

import java.io.IOException;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Objects;

/**
 * Finds a guest's users and groups ({@link java.nio.file.FileSystem#getUserPrincipalLookupService()}): a
 * name of digits is the numeric id itself (as {@code chown 1000 file} takes it); another name is looked up
 * in the guest's {@code /etc/passwd} or {@code /etc/group}. The principals it returns carry the numeric
 * id that {@link java.nio.file.attribute.PosixFileAttributeView#setOwner} and {@code setGroup} give the guest.
 *
 * <p>Thread-safe.
 */
public final class GuestPrincipals extends UserPrincipalLookupService {
    private final GuestAccountFile passwd;
    private final GuestAccountFile group;

    GuestPrincipals(final GuestFileSystem fileSystem) {
        this.passwd = new GuestAccountFile(fileSystem, "/etc/passwd");
        this.group = new GuestAccountFile(fileSystem, "/etc/group");
    }

    /**
     * The user named {@code name}, or with the id {@code name} if it is a number.
     *
     * @throws UserPrincipalNotFoundException if the guest's {@code /etc/passwd} has no such user
     */
    @Override
    public GuestUserPrincipal lookupPrincipalByName(final String name) throws IOException {
        final Integer id = numeric(name);
        if (id != null) {
            return new GuestUserPrincipal(id, name, this);
        }
        final Integer uid = passwd.id(name);
        if (uid == null) {
            throw new UserPrincipalNotFoundException(name);
        }
        return new GuestUserPrincipal(uid, name, this);
    }

    /**
     * The group named {@code name}, or with the id {@code name} if it is a number.
     *
     * @throws UserPrincipalNotFoundException if the guest's {@code /etc/group} has no such group
     */
    @Override
    public GuestGroupPrincipal lookupPrincipalByGroupName(final String name) throws IOException {
        final Integer id = numeric(name);
        if (id != null) {
            return new GuestGroupPrincipal(id, name, this);
        }
        final Integer gid = group.id(name);
        if (gid == null) {
            throw new UserPrincipalNotFoundException(name);
        }
        return new GuestGroupPrincipal(gid, name, this);
    }

    /** The user with id {@code uid}, its name looked up when asked for. */
    GuestUserPrincipal user(final int uid) {
        return new GuestUserPrincipal(uid, null, this);
    }

    /** The group with id {@code gid}, its name looked up when asked for. */
    GuestGroupPrincipal group(final int gid) {
        return new GuestGroupPrincipal(gid, null, this);
    }

    /** The name of user {@code uid}, or the id in decimal if the guest has none (or cannot say). */
    String userName(final int uid) {
        return nameOr(passwd, uid);
    }

    /** The name of group {@code gid}, or the id in decimal if the guest has none (or cannot say). */
    String groupName(final int gid) {
        return nameOr(group, gid);
    }

    private static String nameOr(final GuestAccountFile file, final int id) {
        try {
            final String name = file.name(id);
            return name != null ? name : Integer.toUnsignedString(id);
        } catch (final IOException | RuntimeException e) {
            return Integer.toUnsignedString(id);
        }
    }

    private static Integer numeric(final String name) {
        if (Objects.requireNonNull(name, "name").isEmpty() || !name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Integer.parseUnsignedInt(name);
        } catch (final NumberFormatException e) {
            return null;
        }
    }
}
