package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest file system per test over a fresh host directory ({@link HostDirectoryOperations}); after each test,
 * no handle may be left open.
 */
abstract class GuestFileSystemFixture {
    @TempDir
    Path hostRoot;
    HostDirectoryOperations host;
    GuestFileSystem fs;

    @BeforeEach
    void openFileSystem() throws IOException {
        host = new HostDirectoryOperations(hostRoot);
        fs = GuestFileSystemProvider.instance().open(UUID.randomUUID().toString(), host);
    }

    @AfterEach
    void closeFileSystem() throws IOException {
        final int leftOpen = host.openHandles();
        fs.close();
        assertEquals(0, leftOpen, "handles left open");
    }

    /** A guest path. */
    GuestPath path(final String first, final String... more) {
        return fs.getPath(first, more);
    }

    /** The host file behind a guest path. */
    Path onHost(final String guestPath) {
        return host.host(guestPath);
    }
}
