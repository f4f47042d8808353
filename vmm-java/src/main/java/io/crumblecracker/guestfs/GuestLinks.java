package io.crumblecracker.guestfs;

import java.nio.file.LinkOption;
import java.util.Objects;

/** Reads {@link LinkOption}s: does an operation follow symbolic links? */
final class GuestLinks {
    private GuestLinks() {
    }

    /** False if {@code options} has {@link LinkOption#NOFOLLOW_LINKS}. */
    static boolean follow(final LinkOption... options) {
        boolean follow = true;
        for (final LinkOption option : options) {
            if (Objects.requireNonNull(option, "option") == LinkOption.NOFOLLOW_LINKS) {
                follow = false;
            }
        }
        return follow;
    }
}
