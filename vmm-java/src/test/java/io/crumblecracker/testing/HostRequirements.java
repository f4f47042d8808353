package io.crumblecracker.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test preconditions on the host. Outside CI a missing facility skips the test; under {@code CI=true}
 * it fails it, because CI promises every facility is installed.
 */
public final class HostRequirements {

    private HostRequirements() {
    }

    /** True when running under CI ({@code CI=true}). */
    public static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Requires read/write access to {@code /dev/kvm}. */
    public static void requireKvm() {
        final Path kvm = Path.of("/dev/kvm");
        require(Files.isReadable(kvm) && Files.isWritable(kvm), "/dev/kvm is missing or not accessible");
    }

    /** Requires {@code condition}; {@code what} says what is missing. */
    public static void require(final boolean condition, final String what) {
        if (condition) {
            return;
        }
        if (underCi()) {
            fail("CI=true but " + what);
        }
        assumeTrue(false, what);
    }
}
