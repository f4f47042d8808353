package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.agent.OpenFlags;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every {@link OpenOption}: its protocol flags, and its effect on a real (host) file. */
class GuestOpenOptionsTest extends GuestFileSystemFixture {
    private static final int R = OpenFlags.READ;
    private static final int W = OpenFlags.WRITE;

    static Stream<Arguments> flags() {
        return Stream.of(
                Arguments.of(options(), R),
                Arguments.of(options(StandardOpenOption.READ), R),
                Arguments.of(options(StandardOpenOption.WRITE), W),
                Arguments.of(options(StandardOpenOption.READ, StandardOpenOption.WRITE), R | W),
                Arguments.of(options(StandardOpenOption.APPEND), W | OpenFlags.APPEND),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.CREATE), W | OpenFlags.CREATE),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW),
                        W | OpenFlags.CREATE | OpenFlags.EXCL),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.CREATE_NEW),
                        W | OpenFlags.CREATE | OpenFlags.EXCL),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING), W | OpenFlags.TRUNCATE),
                Arguments.of(options(StandardOpenOption.READ, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING), R),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.SYNC), W | OpenFlags.SYNC),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.DSYNC), W | OpenFlags.DSYNC),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.SPARSE), W),
                Arguments.of(options(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), R | OpenFlags.NOFOLLOW),
                Arguments.of(options(StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE), R | OpenFlags.NOFOLLOW),
                Arguments.of(options(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS),
                        W | OpenFlags.CREATE | OpenFlags.EXCL));
    }

    @ParameterizedTest(name = "{0} is 0x{1}")
    @MethodSource("flags")
    void shouldMapOptionsToProtocolFlags(final Set<OpenOption> options, final int flags) {
        assertEquals(flags, GuestOpenOptions.of(options).flags());
    }

    @Test
    void shouldRejectIllegalCombinationsAndUnknownOptions() {
        assertThrows(IllegalArgumentException.class,
                () -> GuestOpenOptions.of(options(StandardOpenOption.READ, StandardOpenOption.APPEND)));
        assertThrows(IllegalArgumentException.class,
                () -> GuestOpenOptions.of(options(StandardOpenOption.APPEND, StandardOpenOption.TRUNCATE_EXISTING)));
        final OpenOption strange = new OpenOption() {
            @Override
            public String toString() {
                return "STRANGE";
            }
        };
        final UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> Files.newByteChannel(path("/x"), strange));
        assertTrue(e.getMessage().contains("STRANGE"), e.getMessage());
        assertThrows(NullPointerException.class, () -> GuestOpenOptions.of(new HashSet<>(Arrays.asList((OpenOption) null))));
    }

    @Test
    void shouldReadByDefault() throws IOException {
        Files.writeString(path("/f"), "data");
        try (SeekableByteChannel channel = Files.newByteChannel(path("/f"))) {
            assertEquals(4, channel.read(ByteBuffer.allocate(10)));
            assertThrows(NonWritableChannelException.class, () -> channel.write(ByteBuffer.allocate(1)));
        }
        assertEquals(R, host.lastOpenFlags());
    }

    @Test
    void shouldNotCreateWithoutCreate() {
        assertThrows(NoSuchFileException.class, () -> Files.newByteChannel(path("/f"), StandardOpenOption.WRITE));
        assertThrows(NoSuchFileException.class, () -> Files.newByteChannel(path("/f"), StandardOpenOption.READ,
                StandardOpenOption.CREATE));
        assertFalse(Files.exists(onHost("/f")));
    }

    @Test
    void shouldCreateWith0644OrTheGivenPermissions() throws IOException {
        Files.newByteChannel(path("/plain"), StandardOpenOption.WRITE, StandardOpenOption.CREATE).close();
        assertEquals("rw-r--r--", permissions("/plain"));
        Files.newByteChannel(path("/private"), Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))).close();
        assertEquals("rwx------", permissions("/private"));
        Files.createFile(path("/made"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--r-----")));
        assertEquals("r--r-----", permissions("/made"));
        Files.newByteChannel(path("/private"), Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx"))).close();
        assertEquals("rwx------", permissions("/private"), "an existing file keeps its permissions");
    }

    @Test
    void shouldCreateNewOnlyOnce() throws IOException {
        Files.newByteChannel(path("/once"), StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW).close();
        assertThrows(FileAlreadyExistsException.class,
                () -> Files.newByteChannel(path("/once"), StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createFile(path("/once")));
        Files.createDirectory(path("/dir"));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createFile(path("/dir")));
    }

    @Test
    void shouldTruncateExistingOnlyWhenWriting() throws IOException {
        Files.writeString(path("/t"), "0123456789");
        Files.newByteChannel(path("/t"), StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING).close();
        assertEquals(10, Files.size(onHost("/t")));
        Files.newByteChannel(path("/t"), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).close();
        assertEquals(0, Files.size(onHost("/t")));
        Files.writeString(path("/t"), "0123456789");
        try (SeekableByteChannel channel = Files.newByteChannel(path("/t"), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("ab".getBytes()));
        }
        assertEquals("ab23456789", Files.readString(onHost("/t")), "without TRUNCATE_EXISTING the rest stays");
    }

    @Test
    void shouldAppendAtTheEnd() throws IOException {
        Files.writeString(path("/a"), "start");
        try (FileChannel channel = FileChannel.open(path("/a"), StandardOpenOption.APPEND)) {
            assertEquals(5, channel.position(), "an appending channel is positioned at the end");
            channel.position(0);
            channel.write(ByteBuffer.wrap("-end".getBytes()));
            assertEquals(9, channel.position());
            channel.write(ByteBuffer.wrap("!".getBytes()), 0);
        }
        assertEquals("start-end!", Files.readString(onHost("/a")));
        assertEquals(W | OpenFlags.APPEND, host.lastOpenFlags());
    }

    @Test
    void shouldPassSyncAndDsync() throws IOException {
        Files.writeString(path("/s"), "x", StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        assertEquals(OpenFlags.SYNC, host.lastOpenFlags() & OpenFlags.SYNC);
        Files.writeString(path("/s"), "y", StandardOpenOption.WRITE, StandardOpenOption.DSYNC,
                StandardOpenOption.SPARSE);
        assertEquals(OpenFlags.DSYNC, host.lastOpenFlags() & (OpenFlags.DSYNC | OpenFlags.SYNC));
        assertEquals("y", Files.readString(onHost("/s")));
    }

    @Test
    void shouldDeleteOnClose() throws IOException {
        final SeekableByteChannel channel = Files.newByteChannel(path("/tmp-file"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.READ, StandardOpenOption.DELETE_ON_CLOSE);
        channel.write(ByteBuffer.wrap("scratch".getBytes()));
        assertTrue(Files.exists(onHost("/tmp-file")), "the file lives while the channel is open");
        channel.close();
        assertFalse(Files.exists(onHost("/tmp-file")));
        Files.writeString(path("/kept"), "k");
        final SeekableByteChannel reader = Files.newByteChannel(path("/kept"), StandardOpenOption.DELETE_ON_CLOSE);
        Files.delete(path("/kept"));
        reader.close();
    }

    @Test
    void shouldNotFollowALinkWithNofollowLinks() throws IOException {
        Files.writeString(path("/real"), "real");
        Files.createSymbolicLink(path("/link"), path("real"));
        final FileSystemException e = assertThrows(FileSystemException.class,
                () -> Files.newByteChannel(path("/link"), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        assertTrue(e.getReason().contains("NOFOLLOW_LINKS"), e.getReason());
        assertTrue(e.getReason().contains("Too many levels of symbolic links"), e.getReason());
        assertEquals("/link", e.getFile());
        try (SeekableByteChannel channel = Files.newByteChannel(path("/real"), StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)) {
            assertEquals(4, channel.size());
        }
        try (SeekableByteChannel channel = Files.newByteChannel(path("/link"), StandardOpenOption.READ)) {
            assertEquals(4, channel.size());
        }
    }

    @Test
    void shouldRejectOtherInitialAttributes() {
        assertThrows(UnsupportedOperationException.class, () -> Files.createFile(path("/f"),
                new FileAttribute<Boolean>() {
                    @Override
                    public String name() {
                        return "dos:hidden";
                    }

                    @Override
                    public Boolean value() {
                        return true;
                    }
                }));
        assertFalse(Files.exists(onHost("/f")));
    }

    private String permissions(final String guestPath) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(onHost(guestPath)));
    }

    private static Set<OpenOption> options(final OpenOption... options) {
        return new HashSet<>(Arrays.asList(options));
    }
}
