package io.crumblecracker.guestfs;

import java.nio.file.attribute.UserPrincipal;

/**
 * A user of a guest, by its numeric id. Its {@link #getName() name} is the one given when it was looked up,
 * else the guest's {@code /etc/passwd} entry for the id, else the id in decimal. Equal to another
 * {@code GuestUserPrincipal} with the same id.
 */
public final class GuestUserPrincipal implements UserPrincipal {
    private final int uid;
    private final String name;
    private final GuestPrincipals names;

    GuestUserPrincipal(final int uid, final String name, final GuestPrincipals names) {
        this.uid = uid;
        this.name = name;
        this.names = names;
    }

    /** The user id. */
    public int uid() {
        return uid;
    }

    /** The user's name, or its id in decimal if the guest has no name for it. */
    @Override
    public String getName() {
        return name != null ? name : names.userName(uid);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof GuestUserPrincipal that && that.uid == uid;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(uid);
    }

    @Override
    public String toString() {
        return getName();
    }
}
