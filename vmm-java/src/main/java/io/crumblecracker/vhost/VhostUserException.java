package io.crumblecracker.vhost;

import java.io.IOException;

/**
 * A vhost-user front-end broke the protocol (vhost-user spec, "Message Specification"), or the backend
 * could not do what a valid message asked: a malformed header, an oversized payload, a memory table with
 * overlapping regions, a ring outside guest memory, a descriptor of the wrong kind. The message names the
 * request and the offending values ({@code name=value}); the connection is closed after it.
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html">vhost-user protocol</a>
 */
public final class VhostUserException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the request and the offending values. */
    public VhostUserException(final String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public VhostUserException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
