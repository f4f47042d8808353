package io.crumblecracker.guestfs;

import java.io.IOException;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.UserPrincipal;

/** The {@code owner} view of a guest file: the owner part of its {@link GuestPosixAttributeView}. */
final class GuestOwnerAttributeView implements FileOwnerAttributeView {
    private final GuestPosixAttributeView posix;

    GuestOwnerAttributeView(final GuestPosixAttributeView posix) {
        this.posix = posix;
    }

    @Override
    public String name() {
        return "owner";
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return posix.getOwner();
    }

    @Override
    public void setOwner(final UserPrincipal owner) throws IOException {
        posix.setOwner(owner);
    }
}
