package io.crumblecracker.guestfs;

import java.nio.file.attribute.GroupPrincipal;

/**
 * A group of a guest, by its numeric id. Its {@link #getName() name} is the one given when it was looked
 * up, else the guest's {@code /etc/group} entry for the id, else the id in decimal. Equal to another
 * {@code GuestGroupPrincipal} with the same id.
 */
public final class GuestGroupPrincipal implements GroupPrincipal {
    private final int gid;
    private final String name;
    private final GuestPrincipals names;

    GuestGroupPrincipal(final int gid, final String name, final GuestPrincipals names) {
        this.gid = gid;
        this.name = name;
        this.names = names;
    }

    /** The group id. */
    public int gid() {
        return gid;
    }

    /** The group's name, or its id in decimal if the guest has no name for it. */
    @Override
    public String getName() {
        return name != null ? name : names.groupName(gid);
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof GuestGroupPrincipal that && that.gid == gid;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(gid);
    }

    @Override
    public String toString() {
        return getName();
    }
}
