package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link java.nio.file.Files} on a guest file system: contents, directories, links and the file store. */
class GuestFilesTest extends GuestFileSystemFixture {

    @Test
    void shouldWriteAndReadStrings() throws IOException {
        final Path file = Files.writeString(path("/tmp-x"), "hi ünïcode\n");
        assertEquals("hi ünïcode\n", Files.readString(file));
        assertEquals("hi ünïcode\n", Files.readString(onHost("/tmp-x")));
        Files.writeString(file, "more\n", StandardOpenOption.APPEND);
        assertEquals(List.of("hi ünïcode", "more"), Files.readAllLines(file));
        Files.writeString(file, "short");
        assertEquals("short", Files.readString(file));
        assertEquals(5, Files.size(file));
    }

    @Test
    void shouldReadAndWriteEmptyFiles() throws IOException {
        final Path file = Files.createFile(path("/empty"));
        assertArrayEquals(new byte[0], Files.readAllBytes(file));
        Files.write(file, new byte[0]);
        assertEquals(0, Files.size(file));
    }

    @Test
    void shouldStreamLargeContentsInBoundedChunks() throws IOException {
        final byte[] data = new byte[3 * GuestFileChannel.CHUNK + 12345];
        new Random(1).nextBytes(data);
        Files.write(path("/big"), data);
        assertArrayEquals(data, Files.readAllBytes(onHost("/big")));
        assertArrayEquals(data, Files.readAllBytes(path("/big")));
        try (InputStream in = Files.newInputStream(path("/big"))) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertTrue(host.largestTransfer() <= GuestFileChannel.CHUNK, "largest call " + host.largestTransfer());
    }

    @Test
    void shouldBufferStreams() throws IOException {
        try (OutputStream out = Files.newOutputStream(path("/bytes"))) {
            for (int i = 0; i < 100_000; i++) {
                out.write(i & 0xFF);
            }
        }
        assertEquals(100_000, Files.size(onHost("/bytes")));
        try (InputStream in = Files.newInputStream(path("/bytes"))) {
            for (int i = 0; i < 50_000; i++) {
                assertEquals(i & 0xFF, in.read());
            }
            in.skipNBytes(50_000);
            assertEquals(-1, in.read());
        }
        try (InputStream in = Files.newInputStream(path("/bytes"))) {
            assertEquals(100_000, in.available());
            final ByteArrayOutputStream sink = new ByteArrayOutputStream();
            assertEquals(100_000, in.transferTo(sink));
            assertArrayEquals(Files.readAllBytes(onHost("/bytes")), sink.toByteArray());
        }
    }

    @Test
    void shouldAppendThroughOutputStreams() throws IOException {
        Files.writeString(path("/log"), "one\n");
        try (OutputStream out = Files.newOutputStream(path("/log"), StandardOpenOption.APPEND)) {
            out.write("two\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("one\ntwo\n", Files.readString(onHost("/log")));
    }

    @Test
    void shouldApplyTheStreamOptionRules() {
        assertThrows(UnsupportedOperationException.class,
                () -> Files.newInputStream(path("/x"), StandardOpenOption.WRITE));
        assertThrows(UnsupportedOperationException.class,
                () -> Files.newInputStream(path("/x"), StandardOpenOption.APPEND));
        assertThrows(IllegalArgumentException.class,
                () -> Files.newOutputStream(path("/x"), StandardOpenOption.READ));
        assertThrows(NoSuchFileException.class, () -> Files.newInputStream(path("/x")));
        assertThrows(NoSuchFileException.class,
                () -> Files.newOutputStream(path("/x"), StandardOpenOption.WRITE));
    }

    @Test
    void shouldReadAndWriteText() throws IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(path("/text"))) {
            for (int i = 0; i < 1000; i++) {
                writer.write("line " + i + "\n");
            }
        }
        try (BufferedReader reader = Files.newBufferedReader(path("/text"));
             Stream<String> lines = Files.lines(path("/text"))) {
            assertEquals("line 0", reader.readLine());
            assertEquals(1000, lines.count());
        }
    }

    @Test
    void shouldWalkATreeAsTheHostSeesIt() throws IOException {
        Files.createDirectories(path("/etc/conf.d/deep"));
        Files.writeString(path("/etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        Files.writeString(path("/etc/conf.d/a.conf"), "a");
        Files.writeString(path("/etc/conf.d/deep/b.conf"), "b");
        Files.createSymbolicLink(path("/etc/link"), path("conf.d"));
        final Set<String> guest;
        try (Stream<Path> walk = Files.walk(path("/etc"))) {
            guest = walk.map(Path::toString).collect(Collectors.toCollection(TreeSet::new));
        }
        final Set<String> expected;
        try (Stream<Path> walk = Files.walk(onHost("/etc"))) {
            expected = walk.map(p -> "/" + onHost("/").relativize(p)).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expected, guest);
        assertTrue(guest.containsAll(List.of("/etc", "/etc/passwd", "/etc/link", "/etc/conf.d/deep/b.conf")));
        try (Stream<Path> found = Files.find(path("/etc"), 10, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().endsWith(".conf"))) {
            assertEquals(2, found.count());
        }
        try (Stream<Path> followed = Files.walk(path("/etc"), FileVisitOption.FOLLOW_LINKS)) {
            assertTrue(followed.anyMatch(p -> p.toString().equals("/etc/link/deep/b.conf")));
        }
    }

    @Test
    void shouldListDirectoriesWithFilters() throws IOException {
        Files.createDirectory(path("/d"));
        for (final String name : List.of("a.txt", "b.txt", "c.log", ".hidden")) {
            Files.writeString(path("/d", name), name);
        }
        try (Stream<Path> list = Files.list(path("/d"))) {
            assertEquals(Set.of("/d/a.txt", "/d/b.txt", "/d/c.log", "/d/.hidden"),
                    list.map(Path::toString).collect(Collectors.toSet()));
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path("/d"), "*.txt")) {
            final Set<String> names = new TreeSet<>();
            stream.forEach(p -> names.add(p.getFileName().toString()));
            assertEquals(Set.of("a.txt", "b.txt"), names);
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path("/d"), Files::isHidden)) {
            assertEquals(List.of(path("/d/.hidden")), toList(stream));
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path("d"))) {
            assertTrue(toList(stream).contains(path("d/a.txt")), "entries keep a relative directory's form");
        }
    }

    @Test
    void shouldHandOutOneIteratorPerDirectoryStream() throws IOException {
        Files.createDirectory(path("/d"));
        Files.writeString(path("/d/a"), "a");
        Files.writeString(path("/d/b"), "b");
        final DirectoryStream<Path> stream = Files.newDirectoryStream(path("/d"));
        final Iterator<Path> iterator = stream.iterator();
        assertThrows(IllegalStateException.class, stream::iterator);
        assertTrue(iterator.hasNext());
        iterator.next();
        stream.close();
        assertFalse(iterator.hasNext(), "a closed stream is at its end");
        assertThrows(NoSuchElementException.class, iterator::next);
        assertThrows(IllegalStateException.class, stream::iterator);
        final DirectoryStream<Path> closed = Files.newDirectoryStream(path("/d"));
        closed.close();
        assertThrows(IllegalStateException.class, closed::iterator);
        assertThrows(UnsupportedOperationException.class, () -> {
            try (DirectoryStream<Path> again = Files.newDirectoryStream(path("/d"))) {
                final Iterator<Path> it = again.iterator();
                it.next();
                it.remove();
            }
        });
    }

    @Test
    void shouldWrapFilterFailures() throws IOException {
        Files.createDirectory(path("/d"));
        Files.writeString(path("/d/a"), "a");
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(path("/d"), p -> {
            throw new IOException("filter failed");
        })) {
            final DirectoryIteratorException e = assertThrows(DirectoryIteratorException.class,
                    () -> stream.iterator().hasNext());
            assertEquals("filter failed", e.getCause().getMessage());
        }
    }

    @Test
    void shouldRefuseToListAFile() throws IOException {
        Files.writeString(path("/f"), "f");
        assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(path("/f")));
        assertThrows(NoSuchFileException.class, () -> Files.newDirectoryStream(path("/nope")));
    }

    @Test
    void shouldCreateAndDeleteDirectories() throws IOException {
        Files.createDirectories(path("/a/b/c"));
        assertTrue(Files.isDirectory(onHost("/a/b/c")));
        assertEquals("rwxr-xr-x", permissions("/a/b/c"));
        Files.createDirectories(path("/a/b/c"));
        Files.createDirectory(path("/a/private"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        assertEquals("rwx------", permissions("/a/private"));
        Files.delete(path("/a/b/c"));
        assertFalse(Files.exists(onHost("/a/b/c")));
        assertTrue(Files.deleteIfExists(path("/a/b")));
        assertFalse(Files.deleteIfExists(path("/a/b")));
        assertThrows(NoSuchFileException.class, () -> Files.delete(path("/a/b")));
        assertThrows(UnsupportedOperationException.class, () -> Files.createDirectory(path("/x"),
                new FileAttribute<String>() {
                    @Override
                    public String name() {
                        return "dos:hidden";
                    }

                    @Override
                    public String value() {
                        return "yes";
                    }
                }));
    }

    @Test
    void shouldTellWhatExists() throws IOException {
        Files.writeString(path("/f"), "f");
        Files.createDirectory(path("/d"));
        Files.createSymbolicLink(path("/l"), path("f"));
        Files.createSymbolicLink(path("/dangling"), path("nowhere"));
        assertTrue(Files.exists(path("/f")));
        assertTrue(Files.isRegularFile(path("/f")));
        assertTrue(Files.isDirectory(path("/d")));
        assertTrue(Files.isSymbolicLink(path("/l")));
        assertTrue(Files.isRegularFile(path("/l")));
        assertFalse(Files.isRegularFile(path("/l"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(path("/dangling")));
        assertTrue(Files.exists(path("/dangling"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.notExists(path("/nope")));
        assertTrue(Files.isReadable(path("/f")));
        assertTrue(Files.isWritable(path("/f")));
        assertFalse(Files.isExecutable(path("/f")));
        assertTrue(Files.isExecutable(path("/d")));
    }

    @Test
    void shouldCheckAccessAsTheGuestDoes() throws IOException {
        Files.writeString(path("/f"), "f");
        final var provider = fs.provider();
        provider.checkAccess(path("/f"));
        provider.checkAccess(path("/f"), AccessMode.READ, AccessMode.WRITE);
        assertThrows(AccessDeniedException.class, () -> provider.checkAccess(path("/f"), AccessMode.EXECUTE));
        assertThrows(NoSuchFileException.class, () -> provider.checkAccess(path("/nope")));
    }

    @Test
    void shouldMakeAndReadLinks() throws IOException {
        Files.writeString(path("/target"), "content");
        Files.createSymbolicLink(path("/rel"), path("target"));
        Files.createSymbolicLink(path("/abs"), path("/somewhere/else"));
        assertEquals(path("target"), Files.readSymbolicLink(path("/rel")));
        assertEquals(path("/somewhere/else"), Files.readSymbolicLink(path("/abs")));
        assertEquals("target", Files.readSymbolicLink(onHost("/rel")).toString());
        assertEquals("content", Files.readString(path("/rel")));
        Files.createLink(path("/hard"), path("/target"));
        assertTrue(Files.isSameFile(path("/hard"), path("/target")));
        assertTrue(Files.isSameFile(path("/rel"), path("/target")));
        assertEquals(2, Files.getAttribute(path("/target"), "unix:nlink"));
        assertThrows(UnsupportedOperationException.class, () -> Files.createSymbolicLink(path("/x"), path("target"),
                PosixFilePermissions.asFileAttribute(Set.of())));
    }

    @Test
    void shouldCompareFilesWithoutTouchingEqualPaths() throws IOException {
        assertTrue(Files.isSameFile(path("/nope"), path("/nope")));
        Files.writeString(path("/a"), "x");
        Files.writeString(path("/b"), "x");
        assertFalse(Files.isSameFile(path("/a"), path("/b")));
        assertFalse(Files.isSameFile(path("/a"), Path.of("/a")));
        assertThrows(NoSuchFileException.class, () -> Files.isSameFile(path("/a"), path("/nope")));
    }

    @Test
    void shouldResolveRealPaths() throws IOException {
        Files.createDirectories(path("/real/dir"));
        Files.writeString(path("/real/dir/f"), "f");
        Files.createSymbolicLink(path("/link"), path("real/dir"));
        assertEquals(path("/real/dir/f"), path("/link/f").toRealPath());
        assertEquals(path("/real/dir/f"), path("link/./f").toRealPath());
        assertEquals(path("/link/f"), path("/link/../link/f").toRealPath(LinkOption.NOFOLLOW_LINKS));
        assertEquals(path("/"), path("").toRealPath());
        assertThrows(NoSuchFileException.class, () -> path("/link/nope").toRealPath());
        assertThrows(NoSuchFileException.class, () -> path("/nope").toRealPath(LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void shouldCallDotFilesHidden() throws IOException {
        assertTrue(Files.isHidden(path("/etc/.profile")));
        assertTrue(Files.isHidden(path(".x")));
        assertFalse(Files.isHidden(path("/etc/profile")));
        assertFalse(Files.isHidden(path("/")));
    }

    @Test
    void shouldDescribeTheFileStore() throws IOException {
        Files.writeString(path("/f"), "f");
        final FileStore store = Files.getFileStore(path("/f"));
        final FileStore expected = Files.getFileStore(onHost("/f"));
        assertEquals(expected.type(), store.type());
        assertEquals(store.type(), store.name());
        assertEquals(expected.getBlockSize(), store.getBlockSize());
        assertTrue(store.getTotalSpace() > 0);
        assertTrue(store.getUsableSpace() <= store.getTotalSpace());
        assertTrue(store.getUnallocatedSpace() <= store.getTotalSpace());
        assertEquals(store.getTotalSpace(), store.getAttribute("totalSpace"));
        assertEquals(store.getBlockSize(), store.getAttribute("blockSize"));
        assertThrows(UnsupportedOperationException.class, () -> store.getAttribute("nope"));
        assertEquals(store, Files.getFileStore(path("/")));
        assertEquals(store.hashCode(), Files.getFileStore(path("/")).hashCode());
        assertTrue(store.supportsFileAttributeView("posix"));
        assertTrue(store.supportsFileAttributeView(PosixFileAttributeView.class));
        assertFalse(store.supportsFileAttributeView("dos"));
        assertFalse(store.isReadOnly());
        assertNull(store.getFileStoreAttributeView(FileStoreAttributeView.class));
        assertThrows(NoSuchFileException.class, () -> Files.getFileStore(path("/nope")));
        final List<FileStore> stores = new ArrayList<>();
        fs.getFileStores().forEach(stores::add);
        assertEquals(List.of(store), stores);
    }

    @Test
    void shouldReportReadingADirectoryAsAnError() throws IOException {
        Files.createDirectory(path("/d"));
        final IOException e = assertThrows(IOException.class, () -> Files.readString(path("/d")));
        assertInstanceOf(FileSystemException.class, e);
        assertTrue(e.getMessage().contains("Is a directory"), e.getMessage());
    }

    private String permissions(final String guestPath) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(onHost(guestPath)));
    }

    private static List<Path> toList(final DirectoryStream<Path> stream) {
        final List<Path> list = new ArrayList<>();
        stream.forEach(list::add);
        return list;
    }
}
