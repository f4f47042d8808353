package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.FileDescriptors;
import io.crumblecracker.kvm.sys.ForeignEventFd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a descriptor a front-end sent as a kick, call or error notifier is an eventfd or a pipe (the
 * two kinds the vhost-user spec allows, "Support for platforms other than Linux") before adopting it. A
 * regular file or socket would always poll readable and could spin or block a worker.
 */
final class EventFds {

    private EventFds() {
    }

    /** Adopts {@code fd} as a {@link ForeignEventFd}; on refusal the descriptor is closed. */
    static ForeignEventFd adopt(final int fd, final String what) throws VhostUserException {
        final String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (final IOException | UnsupportedOperationException e) {
            FileDescriptors.closeQuietly(fd);
            throw new VhostUserException(what + ": cannot inspect fd=" + fd + ": " + e.getMessage(), e);
        }
        if (!target.equals("anon_inode:[eventfd]") && !target.startsWith("pipe:")) {
            FileDescriptors.closeQuietly(fd);
            throw new VhostUserException(what + ": fd=" + fd + " is " + target + ", not an eventfd or pipe");
        }
        try {
            return new ForeignEventFd(fd);
        } catch (final RuntimeException e) {
            throw new VhostUserException(what + ": " + e.getMessage(), e);
        }
    }
}
