package io.crumblecracker.guestfs;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/** Conversions between {@link PosixFilePermission}s and Unix permission bits. */
final class GuestModes {
    /** Permissions of a file created without {@code posix:permissions}. */
    static final int DEFAULT_FILE = 0644;
    /** Permissions of a directory created without {@code posix:permissions}. */
    static final int DEFAULT_DIRECTORY = 0755;
    /** Every permission bit, including set-id and sticky bits (never the file type). */
    static final int ALL_BITS = 07777;

    private GuestModes() {
    }

    /** The bits (0 … 0777) of {@code permissions}. */
    static int toBits(final Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (final PosixFilePermission permission : permissions) {
            bits |= bit(Objects.requireNonNull(permission, "permission"));
        }
        return bits;
    }

    /** The permissions among the low nine bits of {@code mode}. */
    static Set<PosixFilePermission> toPermissions(final int mode) {
        final Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (final PosixFilePermission permission : PosixFilePermission.values()) {
            if ((mode & bit(permission)) != 0) {
                permissions.add(permission);
            }
        }
        return permissions;
    }

    /**
     * The mode for a new file: {@code posix:permissions} among {@code attributes} (as
     * {@link java.nio.file.attribute.PosixFilePermissions#asFileAttribute} makes it), else
     * {@code defaultMode}.
     *
     * @throws UnsupportedOperationException for any other initial attribute, as
     *                                       {@link java.nio.file.Files#createFile} specifies
     */
    static int fromAttributes(final int defaultMode, final FileAttribute<?>... attributes) {
        int mode = defaultMode;
        for (final FileAttribute<?> attribute : attributes) {
            final String name = attribute.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + name + "' not supported as initial attribute");
            }
            mode = toBits(permissionSet(attribute.value()));
        }
        return mode;
    }

    /** {@code value} as a set of permissions; a {@link ClassCastException} if it is not one. */
    static Set<PosixFilePermission> permissionSet(final Object value) {
        final Set<?> set = (Set<?>) Objects.requireNonNull(value, "permissions");
        final Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (final Object element : set) {
            permissions.add((PosixFilePermission) Objects.requireNonNull(element, "permission"));
        }
        return permissions;
    }

    /** The constants are declared from OWNER_READ (0400) down to OTHERS_EXECUTE (01). */
    private static int bit(final PosixFilePermission permission) {
        return 1 << (8 - permission.ordinal());
    }
}
