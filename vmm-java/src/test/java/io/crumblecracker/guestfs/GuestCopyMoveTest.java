package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Files.copy} and {@code Files.move} in one guest and between two. */
class GuestCopyMoveTest extends GuestFileSystemFixture {
    private static final FileTime THEN = FileTime.from(Instant.parse("2001-09-09T01:46:40Z"));

    @TempDir
    Path otherRoot;

    @Test
    void shouldCopyContentsInBoundedChunksKeepingPermissions() throws IOException {
        final byte[] data = new byte[GuestFileChannel.CHUNK * 3 + 5];
        new Random(7).nextBytes(data);
        Files.write(path("/src"), data);
        Files.setPosixFilePermissions(path("/src"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(path("/src"), THEN);
        assertEquals(path("/dst"), Files.copy(path("/src"), path("/dst")));
        assertArrayEquals(data, Files.readAllBytes(onHost("/dst")));
        assertEquals("rwxr-x---", permissions("/dst"), "a copy gets the source's permissions");
        assertFalse(THEN.equals(Files.getLastModifiedTime(onHost("/dst"))), "times only with COPY_ATTRIBUTES");
        assertTrue(host.largestTransfer() <= GuestFileChannel.CHUNK, "largest call " + host.largestTransfer());
        assertArrayEquals(data, Files.readAllBytes(onHost("/src")));
    }

    @Test
    void shouldCopyAttributesOnRequest() throws IOException {
        Files.writeString(path("/src"), "x");
        Files.setPosixFilePermissions(path("/src"), PosixFilePermissions.fromString("r-x------"));
        Files.setAttribute(path("/src"), "unix:uid", 1234);
        Files.setLastModifiedTime(path("/src"), THEN);
        Files.copy(path("/src"), path("/dst"), StandardCopyOption.COPY_ATTRIBUTES);
        assertEquals("r-x------", permissions("/dst"));
        assertEquals(THEN, Files.getLastModifiedTime(onHost("/dst")));
        assertEquals(1234, Files.getAttribute(onHost("/dst"), "unix:uid"));
        Files.createDirectory(path("/dir"));
        Files.setLastModifiedTime(path("/dir"), THEN);
        Files.copy(path("/dir"), path("/dir2"), StandardCopyOption.COPY_ATTRIBUTES);
        assertEquals(THEN, Files.getLastModifiedTime(onHost("/dir2")));
    }

    @Test
    void shouldReplaceOnlyWhenAsked() throws IOException {
        Files.writeString(path("/src"), "new");
        Files.writeString(path("/dst"), "old");
        assertThrows(FileAlreadyExistsException.class, () -> Files.copy(path("/src"), path("/dst")));
        assertEquals("old", Files.readString(onHost("/dst")));
        Files.copy(path("/src"), path("/dst"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("new", Files.readString(onHost("/dst")));
        Files.createDirectories(path("/full/x"));
        assertThrows(DirectoryNotEmptyException.class,
                () -> Files.copy(path("/src"), path("/full"), StandardCopyOption.REPLACE_EXISTING));
        Files.createDirectory(path("/empty"));
        Files.copy(path("/src"), path("/empty"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("new", Files.readString(onHost("/empty")));
    }

    @Test
    void shouldCopyADirectoryWithoutItsEntries() throws IOException {
        Files.createDirectories(path("/tree/sub"));
        Files.writeString(path("/tree/f"), "f");
        Files.copy(path("/tree"), path("/copy"));
        assertTrue(Files.isDirectory(onHost("/copy")));
        try (var entries = Files.list(onHost("/copy"))) {
            assertEquals(0, entries.count());
        }
    }

    @Test
    void shouldCopyALinkOrItsTarget() throws IOException {
        Files.writeString(path("/target"), "t");
        Files.createSymbolicLink(path("/link"), path("target"));
        Files.copy(path("/link"), path("/followed"));
        assertFalse(Files.isSymbolicLink(onHost("/followed")));
        assertEquals("t", Files.readString(onHost("/followed")));
        Files.copy(path("/link"), path("/copied-link"), LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        assertTrue(Files.isSymbolicLink(onHost("/copied-link")));
        assertEquals("target", Files.readSymbolicLink(onHost("/copied-link")).toString());
    }

    @Test
    void shouldDoNothingToCopyOrMoveAFileOntoItself() throws IOException {
        Files.writeString(path("/same"), "same");
        Files.createLink(path("/alias"), path("/same"));
        Files.copy(path("/same"), path("/same"));
        Files.copy(path("/same"), path("/alias"));
        Files.move(path("/same"), path("/alias"));
        assertEquals("same", Files.readString(onHost("/same")));
        assertEquals("same", Files.readString(onHost("/alias")));
    }

    @Test
    void shouldRefuseBadCopies() throws IOException {
        assertThrows(NoSuchFileException.class, () -> Files.copy(path("/nope"), path("/dst")));
        Files.writeString(path("/src"), "x");
        assertThrows(UnsupportedOperationException.class,
                () -> Files.copy(path("/src"), path("/dst"), StandardCopyOption.ATOMIC_MOVE));
        assertThrows(NoSuchFileException.class, () -> Files.copy(path("/src"), path("/no/dir/dst")));
        assertFalse(Files.exists(onHost("/dst")));
    }

    @Test
    void shouldCopyBetweenTwoVms() throws IOException {
        try (GuestFileSystem other = open(otherRoot)) {
            final byte[] data = new byte[GuestFileChannel.CHUNK + 1];
            new Random(9).nextBytes(data);
            Files.write(path("/here"), data);
            Files.copy(path("/here"), other.getPath("/there"));
            assertArrayEquals(data, Files.readAllBytes(otherRoot.resolve("there")));
            Files.copy(other.getPath("/there"), path("/back"));
            assertArrayEquals(data, Files.readAllBytes(onHost("/back")));
        }
    }

    @Test
    void shouldMoveByRenaming() throws IOException {
        Files.writeString(path("/a"), "a");
        Files.move(path("/a"), path("/b"));
        assertFalse(Files.exists(onHost("/a")));
        assertEquals("a", Files.readString(onHost("/b")));
        assertEquals(Boolean.TRUE, host.lastRenameNoReplace(), "without REPLACE_EXISTING the rename must not replace");
        Files.writeString(path("/c"), "c");
        assertThrows(FileAlreadyExistsException.class, () -> Files.move(path("/c"), path("/b")));
        Files.move(path("/c"), path("/b"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("c", Files.readString(onHost("/b")));
        assertEquals(Boolean.FALSE, host.lastRenameNoReplace());
        Files.createDirectories(path("/dir/sub"));
        Files.writeString(path("/dir/sub/f"), "f");
        Files.move(path("/dir"), path("/moved"));
        assertEquals("f", Files.readString(onHost("/moved/sub/f")));
        assertThrows(NoSuchFileException.class, () -> Files.move(path("/nope"), path("/x")));
        assertThrows(UnsupportedOperationException.class,
                () -> Files.move(path("/b"), path("/x"), StandardCopyOption.COPY_ATTRIBUTES));
        Files.move(path("/b"), path("/x"), LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void shouldReplaceDirectoriesOnlyWhenEmpty() throws IOException {
        Files.writeString(path("/f"), "f");
        Files.createDirectory(path("/empty"));
        Files.move(path("/f"), path("/empty"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("f", Files.readString(onHost("/empty")));
        Files.createDirectories(path("/full/x"));
        assertThrows(DirectoryNotEmptyException.class,
                () -> Files.move(path("/empty"), path("/full"), StandardCopyOption.REPLACE_EXISTING));
    }

    @Test
    void shouldMoveAtomicallyByRenaming() throws IOException {
        Files.writeString(path("/a"), "a");
        Files.writeString(path("/b"), "b");
        assertThrows(FileAlreadyExistsException.class,
                () -> Files.move(path("/a"), path("/b"), StandardCopyOption.ATOMIC_MOVE));
        Files.move(path("/a"), path("/b"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("a", Files.readString(onHost("/b")));
        host.failNext("rename", HostDirectoryOperations.EXDEV);
        final AtomicMoveNotSupportedException e = assertThrows(AtomicMoveNotSupportedException.class,
                () -> Files.move(path("/b"), path("/c"), StandardCopyOption.ATOMIC_MOVE));
        assertEquals("/b", e.getFile());
        assertEquals("/c", e.getOtherFile());
        assertTrue(Files.exists(onHost("/b")));
    }

    @Test
    void shouldCopyAndDeleteAcrossDevices() throws IOException {
        Files.writeString(path("/a"), "across");
        Files.setPosixFilePermissions(path("/a"), PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(path("/a"), THEN);
        host.failNext("rename", HostDirectoryOperations.EXDEV);
        Files.move(path("/a"), path("/b"));
        assertFalse(Files.exists(onHost("/a")));
        assertEquals("across", Files.readString(onHost("/b")));
        assertEquals("rw-------", permissions("/b"));
        assertEquals(THEN, Files.getLastModifiedTime(onHost("/b")));
        Files.createDirectories(path("/dir/sub"));
        host.failNext("rename", HostDirectoryOperations.EXDEV);
        assertThrows(DirectoryNotEmptyException.class, () -> Files.move(path("/dir"), path("/dir2")));
        assertTrue(Files.exists(onHost("/dir/sub")));
        assertFalse(Files.exists(onHost("/dir2")));
        host.failNext("rename", HostDirectoryOperations.EXDEV);
        Files.move(path("/dir/sub"), path("/sub2"));
        assertTrue(Files.isDirectory(onHost("/sub2")));
        assertFalse(Files.exists(onHost("/dir/sub")));
    }

    @Test
    void shouldMoveBetweenTwoVms() throws IOException {
        try (GuestFileSystem other = open(otherRoot)) {
            Files.writeString(path("/here"), "traveller");
            assertThrows(AtomicMoveNotSupportedException.class,
                    () -> Files.move(path("/here"), other.getPath("/there"), StandardCopyOption.ATOMIC_MOVE));
            Files.move(path("/here"), other.getPath("/there"));
            assertFalse(Files.exists(onHost("/here")));
            assertEquals("traveller", Files.readString(otherRoot.resolve("there")));
        }
    }

    @Test
    void shouldRemoveAPartialCopyWhenWritingFails() throws IOException {
        Files.writeString(path("/src"), "x".repeat(1000));
        host.failNext("write", HostDirectoryOperations.ENOSPC);
        final FileSystemException e = assertThrows(FileSystemException.class, () -> Files.copy(path("/src"), path("/dst")));
        assertEquals("/dst", e.getFile());
        assertTrue(e.getReason().contains("injected errno 28"), e.getReason());
        assertFalse(Files.exists(onHost("/dst")));
    }

    private GuestFileSystem open(final Path root) throws IOException {
        return GuestFileSystemProvider.instance().open(UUID.randomUUID().toString(), new HostDirectoryOperations(root));
    }

    private String permissions(final String guestPath) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(onHost(guestPath)));
    }
}
