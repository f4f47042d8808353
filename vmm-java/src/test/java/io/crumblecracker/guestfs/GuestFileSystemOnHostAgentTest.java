package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.agent.AgentClient;
import io.crumblecracker.testing.HostAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The provider end to end over the real protocol: the real agent binary as a host process ({@link HostAgent})
 * serving this host's file system through {@link AgentClient}. Each test works in a directory of its own
 * under the agent's scratch directory; the host's view ({@link Files} on host paths) is the oracle.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class GuestFileSystemOnHostAgentTest {
    private HostAgent agent;
    private AgentClient client;
    private GuestFileSystem fs;

    @BeforeAll
    void start() throws Exception {
        agent = HostAgent.start();
        client = agent.client();
        fs = GuestFileSystemProvider.instance().open(UUID.randomUUID().toString(), client.files());
    }

    @AfterAll
    void stop() throws IOException {
        if (fs != null) {
            fs.close();
        }
        if (client != null) {
            client.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void shouldWriteReadAndWalk() throws IOException {
        final Path host = scratch();
        final Path dir = guest(host);
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/x.txt"), "hi");
        Files.writeString(dir.resolve("a/y.txt"), "yo");
        assertEquals("hi", Files.readString(host.resolve("a/b/x.txt")));
        assertEquals("yo", Files.readString(dir.resolve("a/y.txt")));
        final Set<String> walked;
        try (Stream<Path> walk = Files.walk(dir)) {
            walked = walk.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(List.of("", "a", "a/b", "a/b/x.txt", "a/y.txt")), walked);
        try (Stream<Path> list = Files.list(dir.resolve("a"))) {
            assertEquals(2, list.count());
        }
    }

    @Test
    void shouldReadAndWriteFiveMegabytesAtRandomPositions() throws IOException {
        final Path host = scratch();
        final Path file = guest(host).resolve("random.bin");
        final Random random = new Random(5);
        final byte[] model = new byte[5 << 20];
        random.nextBytes(model);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(model);
        }
        assertEquals(model.length, Files.size(file));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 60; i++) {
                final int at = random.nextInt(model.length - 1);
                final int length = Math.min(model.length - at, random.nextInt(700 * 1024) + 1);
                if (i % 2 == 0) {
                    final byte[] patch = new byte[length];
                    random.nextBytes(patch);
                    System.arraycopy(patch, 0, model, at, length);
                    channel.position(at);
                    assertEquals(length, channel.write(ByteBuffer.wrap(patch)));
                } else {
                    final ByteBuffer window = ByteBuffer.allocate(length);
                    assertEquals(length, channel.read(window, at));
                    assertArrayEquals(Arrays.copyOfRange(model, at, at + length), window.array(), "at " + at);
                }
            }
        }
        assertArrayEquals(model, Files.readAllBytes(host.resolve("random.bin")));
        assertArrayEquals(model, Files.readAllBytes(file));
    }

    @Test
    void shouldReadAttributesAsTheHostDoes() throws IOException {
        final Path host = scratch();
        final Path file = guest(host).resolve("f");
        Files.writeString(file, "twelve bytes", StandardOpenOption.CREATE_NEW);
        final int created = (Integer) Files.getAttribute(host.resolve("f"), "unix:mode") & 0777;
        assertEquals(0600, created & 0600, "created 0644, less the agent's umask");
        assertEquals(0, created & ~0644, "created 0644, less the agent's umask");
        final Map<String, Object> guestUnix = Files.readAttributes(file, "unix:*");
        final Map<String, Object> hostUnix = Files.readAttributes(host.resolve("f"), "unix:*");
        for (final String name : List.of("mode", "uid", "gid", "ino", "dev", "nlink", "size", "lastModifiedTime",
                "ctime", "permissions")) {
            assertEquals(hostUnix.get(name), guestUnix.get(name), name);
        }
        final FileTime then = FileTime.from(Instant.parse("2020-02-02T02:02:02.5Z"));
        Files.setLastModifiedTime(file, then);
        assertEquals(then, Files.getLastModifiedTime(host.resolve("f")));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(host.resolve("f"))));
        Files.setAttribute(file, "unix:gid", 4321);
        assertEquals(4321, Files.getAttribute(host.resolve("f"), "unix:gid"));
        assertEquals("root", Files.readAttributes(file, PosixFileAttributes.class).owner().getName(),
                "the name comes from the served /etc/passwd");
        assertTrue(Files.isSameFile(file, guest(host.resolve("f"))));
        assertEquals(Files.getFileStore(host).type(), Files.getFileStore(file).type());
    }

    @Test
    void shouldCopyMoveAndLink() throws IOException {
        final Path host = scratch();
        final Path dir = guest(host);
        final byte[] data = new byte[GuestFileChannel.CHUNK * 2 + 3];
        new Random(11).nextBytes(data);
        Files.write(dir.resolve("src"), data);
        Files.copy(dir.resolve("src"), dir.resolve("copy"), StandardCopyOption.COPY_ATTRIBUTES);
        assertArrayEquals(data, Files.readAllBytes(host.resolve("copy")));
        assertEquals(Files.getLastModifiedTime(host.resolve("src")), Files.getLastModifiedTime(host.resolve("copy")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.move(dir.resolve("src"), dir.resolve("copy")));
        Files.move(dir.resolve("src"), dir.resolve("copy"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        assertFalse(Files.exists(host.resolve("src")));
        Files.createSymbolicLink(dir.resolve("link"), dir.getFileSystem().getPath("copy"));
        assertEquals("copy", Files.readSymbolicLink(dir.resolve("link")).toString());
        assertEquals(dir.resolve("copy"), dir.resolve("link").toRealPath());
        Files.createLink(dir.resolve("hard"), dir.resolve("copy"));
        assertEquals(2, Files.getAttribute(dir.resolve("copy"), "unix:nlink"));
        Files.copy(dir.resolve("link"), dir.resolve("link2"), LinkOption.NOFOLLOW_LINKS);
        assertTrue(Files.isSymbolicLink(host.resolve("link2")));
    }

    @Test
    void shouldMapTheAgentsErrors() throws IOException {
        final Path host = scratch();
        final Path dir = guest(host);
        Files.writeString(dir.resolve("file"), "f");
        Files.createDirectories(dir.resolve("full/sub"));
        Files.createSymbolicLink(dir.resolve("loop"), dir.getFileSystem().getPath("loop"));
        Files.createSymbolicLink(dir.resolve("link"), dir.getFileSystem().getPath("file"));
        assertThrows(NoSuchFileException.class, () -> Files.readString(dir.resolve("nope")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createDirectory(dir.resolve("full")));
        assertThrows(FileAlreadyExistsException.class, () -> Files.createFile(dir.resolve("file")));
        assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(dir.resolve("full")));
        assertThrows(AccessDeniedException.class,
                () -> fs.provider().checkAccess(dir.resolve("file"), AccessMode.EXECUTE));
        assertEquals(FileSystemException.class,
                assertThrows(FileSystemException.class, () -> Files.readString(dir.resolve("file/x"))).getClass());
        final String loop = assertThrows(FileSystemException.class, () -> Files.readString(dir.resolve("loop")))
                .getReason();
        assertTrue(loop.contains("ymbolic link loop or unable to access attributes of symbolic link"), loop);
        assertTrue(assertThrows(FileSystemException.class, () -> Files.newByteChannel(dir.resolve("link"),
                LinkOption.NOFOLLOW_LINKS)).getReason().contains("NOFOLLOW_LINKS"));
        assertThrows(NotLinkException.class, () -> Files.readSymbolicLink(dir.resolve("file")));
        assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(dir.resolve("file")));
        assertThrows(InvalidPathException.class, () -> fs.getPath(dir + "/a\0b"));
    }

    @Test
    void shouldDeleteOnCloseAndTruncate() throws IOException {
        final Path host = scratch();
        final Path dir = guest(host);
        try (FileChannel channel = FileChannel.open(dir.resolve("tmp"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            channel.write(ByteBuffer.wrap("0123456789".getBytes()));
            channel.truncate(4);
            assertEquals(4, Files.size(host.resolve("tmp")));
        }
        assertFalse(Files.exists(host.resolve("tmp")));
    }

    @Test
    void shouldCloseWithItsAgent() throws Exception {
        try (HostAgent own = HostAgent.start(); AgentClient ownClient = own.client()) {
            final GuestFileSystem closing = GuestFileSystemProvider.instance().open(UUID.randomUUID().toString(),
                    ownClient.files());
            final Path file = closing.getPath(own.directory().resolve("f").toString());
            Files.writeString(file, "x");
            final FileChannel channel = FileChannel.open(file);
            closing.close();
            assertFalse(channel.isOpen());
            assertThrows(ClosedFileSystemException.class, () -> Files.readString(file));
        }
    }

    private Path scratch() throws IOException {
        return Files.createTempDirectory(agent.directory(), "t");
    }

    private GuestPath guest(final Path host) {
        return fs.getPath(host.toString());
    }
}
