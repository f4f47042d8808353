package io.crumblecracker.agent;

import java.io.IOException;

/**
 * Turns a broken connection into the exception the user should see (for a VM: "not running", "closed",
 * "timed out"); agent errors ({@link AgentException}) are never passed here.
 */
@FunctionalInterface
public interface FailureTranslator {
    /** The exception to throw instead of {@code failure} (or {@code failure} itself). */
    IOException translate(IOException failure);

    /** Leaves failures as they are. */
    static FailureTranslator none() {
        return failure -> failure;
    }
}
