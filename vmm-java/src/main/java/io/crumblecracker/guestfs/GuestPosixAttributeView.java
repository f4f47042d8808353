package io.crumblecracker.guestfs;

import io.crumblecracker.agent.GuestFileOperations;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The {@code posix} view of a guest file: the {@code basic} view plus permissions ({@code chmod(2)}) and
 * owner and group ({@code chown(2)}/{@code lchown(2)}, by the numeric ids {@link GuestUserPrincipal} and
 * {@link GuestGroupPrincipal} carry). Permissions of a symbolic link itself cannot be changed.
 */
final class GuestPosixAttributeView extends GuestBasicAttributeView implements PosixFileAttributeView {

    GuestPosixAttributeView(final GuestPath path, final boolean follow) {
        super(path, follow);
    }

    @Override
    public String name() {
        return "posix";
    }

    /** Replaces every permission bit (set-id and sticky bits included) with {@code permissions}. */
    @Override
    public void setPermissions(final Set<PosixFilePermission> permissions) throws IOException {
        setMode(GuestModes.toBits(permissions));
    }

    /** Sets the permission bits of {@code mode}; its file type bits are left out. */
    void setMode(final int mode) throws IOException {
        final GuestOperations operations = path.getFileSystem().operations();
        if (!follow && operations.stat(path, false).isSymbolicLink()) {
            throw new FileSystemException(path.toString(), null,
                    "cannot change the permissions of a symbolic link (NOFOLLOW_LINKS specified)");
        }
        operations.chmod(path, mode);
    }

    /**
     * Changes the owner.
     *
     * @throws ProviderMismatchException if {@code owner} is not a {@link GuestUserPrincipal}
     */
    @Override
    public void setOwner(final UserPrincipal owner) throws IOException {
        if (!(owner instanceof GuestUserPrincipal user)) {
            throw new ProviderMismatchException("not a guest user: " + owner);
        }
        setIds(user.uid(), GuestFileOperations.UNCHANGED_ID);
    }

    /**
     * Changes the group.
     *
     * @throws ProviderMismatchException if {@code group} is not a {@link GuestGroupPrincipal}
     */
    @Override
    public void setGroup(final GroupPrincipal group) throws IOException {
        if (!(group instanceof GuestGroupPrincipal guestGroup)) {
            throw new ProviderMismatchException("not a guest group: " + group);
        }
        setIds(GuestFileOperations.UNCHANGED_ID, guestGroup.gid());
    }

    /** Changes the owner's and group's ids ({@link GuestFileOperations#UNCHANGED_ID} keeps one). */
    void setIds(final int uid, final int gid) throws IOException {
        path.getFileSystem().operations().chown(path, uid, gid, follow);
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
        return readAttributes().owner();
    }
}
