package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.agent.AgentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Guest errno values become the JDK's exceptions; a VM that is gone is not an errno. */
class GuestErrorsTest extends GuestFileSystemFixture {

    @ParameterizedTest(name = "errno {0} is {1}")
    @CsvSource({
        "2, java.nio.file.NoSuchFileException, ",
        "13, java.nio.file.AccessDeniedException, ",
        "1, java.nio.file.AccessDeniedException, op /f: Operation not permitted",
        "17, java.nio.file.FileAlreadyExistsException, ",
        "39, java.nio.file.DirectoryNotEmptyException, ",
        "40, java.nio.file.FileSystemException, op /f: Operation not permitted or unable to access attributes of symbolic link",
        "20, java.nio.file.FileSystemException, op /f: Operation not permitted",
        "28, java.nio.file.FileSystemException, op /f: Operation not permitted",
        "22, java.nio.file.FileSystemException, op /f: Operation not permitted",
        "0, java.nio.file.FileSystemException, op /f: Operation not permitted",
    })
    void shouldTranslateEachErrno(final int errno, final String type, final String reason) {
        final AgentException failure = new AgentException(errno, "op /f: Operation not permitted");
        final FileSystemException translated = GuestErrors.translate(failure, "/f", "/g");
        assertEquals(type, translated.getClass().getName());
        assertEquals("/f", translated.getFile());
        assertEquals(errno == 39 ? null : "/g", translated.getOtherFile());
        assertEquals(reason, translated.getReason());
        assertSame(failure, translated.getCause());
    }

    @Test
    void shouldPassOtherFailuresThrough() {
        final IOException gone = new IOException("VM gone");
        assertSame(gone, GuestErrors.translate(gone, path("/f"), null));
        assertEquals(0, GuestErrors.errno(gone));
    }

    @Test
    void shouldReportGuestErrorsAsTheJdkDoes() throws IOException {
        Files.writeString(path("/file"), "f");
        Files.createDirectories(path("/full/sub"));
        Files.createSymbolicLink(path("/loop1"), path("loop2"));
        Files.createSymbolicLink(path("/loop2"), path("loop1"));
        assertEquals("/no/such/file",
                assertThrows(NoSuchFileException.class, () -> Files.readString(path("/no/such/file"))).getFile());
        assertEquals("rel/missing",
                assertThrows(NoSuchFileException.class, () -> Files.readString(path("rel/missing"))).getFile(),
                "messages name the path as the user wrote it");
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(path("/full")));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(path("/full")));
        assertThrows(AccessDeniedException.class,
                () -> fs.provider().checkAccess(path("/file"), AccessMode.EXECUTE));
        final FileSystemException notDir = assertThrows(FileSystemException.class,
                () -> Files.readString(path("/file/x")));
        assertEquals(FileSystemException.class, notDir.getClass(), "ENOTDIR is no NoSuchFileException in the JDK");
        assertTrue(notDir.getReason().contains("Not a directory"), notDir.getReason());
        final FileSystemException loop = assertThrows(FileSystemException.class, () -> Files.readString(path("/loop1")));
        assertTrue(loop.getReason().contains("Too many levels of symbolic links"), loop.getReason());
        assertThrows(NotLinkException.class, () -> Files.readSymbolicLink(path("/file")));
        assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(path("/file")));
        assertFalse(Files.exists(path("/file/x")));
        assertThrows(NoSuchFileException.class, () -> Files.move(path("/file/x"), path("/y")));
    }

    @Test
    void shouldReportInjectedErrors() throws IOException {
        Files.writeString(path("/f"), "f");
        host.failNext("chmod", HostDirectoryOperations.EPERM);
        final AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                () -> Files.setPosixFilePermissions(path("/f"), PosixFilePermissions.fromString("rwx------")));
        assertTrue(denied.getReason().contains("injected errno 1"), denied.getReason());
        try (FileChannel channel = FileChannel.open(path("/f"), StandardOpenOption.WRITE)) {
            host.failNext("write", HostDirectoryOperations.ENOSPC);
            final FileSystemException full = assertThrows(FileSystemException.class,
                    () -> channel.write(ByteBuffer.wrap(new byte[10])));
            assertEquals("/f", full.getFile());
            assertNull(full.getOtherFile());
            assertTrue(full.getReason().startsWith("write /f: "), full.getReason());
            assertTrue(channel.isOpen(), "a failed write leaves the channel open");
        }
        host.failNext("rename", HostDirectoryOperations.EACCES);
        final AccessDeniedException rename = assertThrows(AccessDeniedException.class,
                () -> Files.move(path("/f"), path("/g")));
        assertEquals("/f", rename.getFile());
        assertEquals("/g", rename.getOtherFile());
    }

    @Test
    void shouldPassAGoneVmThroughUnchanged() throws IOException {
        Files.writeString(path("/f"), "f");
        final FileChannel channel = FileChannel.open(path("/f"));
        host.vmGone();
        final IOException read = assertThrows(IOException.class, () -> Files.readString(path("/f")));
        assertEquals(IOException.class, read.getClass());
        assertEquals("the VM is gone (connection reset)", read.getMessage());
        final IOException channelRead = assertThrows(IOException.class, () -> channel.read(ByteBuffer.allocate(1)));
        assertEquals(IOException.class, channelRead.getClass());
        assertEquals(IOException.class, assertThrows(IOException.class, () -> Files.delete(path("/f"))).getClass());
        assertEquals(IOException.class,
                assertThrows(IOException.class, () -> Files.copy(path("/f"), path("/g"))).getClass());
        assertEquals(IOException.class,
                assertThrows(IOException.class, () -> Files.newOutputStream(path("/g"))).getClass());
        channel.close();
    }
}
