package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The provider's registry and URIs, the file system's own methods, closing, matchers and concurrent use. */
class GuestFileSystemTest extends GuestFileSystemFixture {
    private final GuestFileSystemProvider provider = GuestFileSystemProvider.instance();

    @Test
    void shouldFindOpenFileSystemsByVmId() throws IOException {
        assertSame(provider, fs.provider());
        assertSame(provider, GuestFileSystemProvider.instance());
        assertEquals("crumble", provider.getScheme());
        final URI uri = URI.create("crumble://" + fs.vmId() + "/etc/passwd");
        assertSame(fs, provider.getFileSystem(uri));
        assertEquals(path("/etc/passwd"), provider.getPath(uri));
        assertEquals(path("/"), provider.getPath(URI.create("crumble://" + fs.vmId())));
        assertThrows(FileSystemAlreadyExistsException.class, () -> provider.open(fs.vmId(), host));
        assertThrows(FileSystemNotFoundException.class,
                () -> provider.getFileSystem(URI.create("crumble://" + UUID.randomUUID() + "/")));
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create("file:///etc")));
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create("crumble:/etc")));
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create("crumble://" + fs.vmId() + "/a?b")));
        assertThrows(IllegalArgumentException.class, () -> provider.open("", host));
        final UnsupportedOperationException create = assertThrows(UnsupportedOperationException.class,
                () -> provider.newFileSystem(uri, Map.of()));
        assertTrue(create.getMessage().contains("running VM"), create.getMessage());
    }

    @Test
    void shouldForgetAClosedFileSystemAndAllowANewOne() throws IOException {
        final String id = UUID.randomUUID().toString();
        final GuestFileSystem first = provider.open(id, host);
        first.close();
        assertThrows(FileSystemNotFoundException.class, () -> provider.getFileSystem(URI.create("crumble://" + id + "/")));
        try (GuestFileSystem second = provider.open(id, host)) {
            assertSame(second, provider.getFileSystem(URI.create("crumble://" + id + "/")));
            first.close();
            assertSame(second, provider.getFileSystem(URI.create("crumble://" + id + "/")),
                    "closing an old one again does not remove its successor");
        }
    }

    @Test
    void shouldDescribeItself() {
        assertEquals("/", fs.getSeparator());
        assertFalse(fs.isReadOnly());
        assertTrue(fs.isOpen());
        final List<Path> roots = new ArrayList<>();
        fs.getRootDirectories().forEach(roots::add);
        assertEquals(List.of(path("/")), roots);
        assertThrows(UnsupportedOperationException.class, fs::newWatchService);
        assertTrue(fs.toString().contains(fs.vmId()));
    }

    @Test
    void shouldRefuseEverythingOnceClosed() throws IOException {
        Files.writeString(path("/f"), "f");
        Files.createDirectory(path("/d"));
        final SeekableByteChannel channel = Files.newByteChannel(path("/f"));
        final SeekableByteChannel scratch = Files.newByteChannel(path("/scratch"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        final DirectoryStream<Path> stream = Files.newDirectoryStream(path("/"));
        fs.close();
        fs.close();
        assertFalse(fs.isOpen());
        assertFalse(channel.isOpen(), "channels close with the file system");
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
        assertFalse(Files.exists(onHost("/scratch")), "DELETE_ON_CLOSE is honoured when the file system closes");
        assertFalse(scratch.isOpen());
        assertThrows(IllegalStateException.class, stream::iterator);
        assertEquals(0, host.openHandles());
        final Path file = path("/f");
        assertEquals("/f", file.toString(), "paths stay usable as values");
        assertEquals(path("/f/x"), file.resolve("x"));
        file.toUri();
        for (final Executable operation : List.<Executable>of(
                () -> Files.readString(file),
                () -> Files.writeString(file, "x"),
                () -> Files.newByteChannel(file),
                () -> Files.newInputStream(file),
                () -> Files.newOutputStream(file),
                () -> Files.newDirectoryStream(path("/d")),
                () -> Files.createDirectory(path("/e")),
                () -> Files.delete(file),
                () -> Files.exists(file),
                () -> Files.exists(file, LinkOption.NOFOLLOW_LINKS),
                () -> Files.readAttributes(file, BasicFileAttributes.class),
                () -> Files.readAttributes(file, "unix:*"),
                () -> Files.setAttribute(file, "unix:mode", 0600),
                () -> Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------")),
                () -> Files.copy(file, path("/g")),
                () -> Files.move(file, path("/g"), StandardCopyOption.ATOMIC_MOVE),
                () -> Files.createSymbolicLink(path("/l"), file),
                () -> Files.readSymbolicLink(file),
                () -> Files.getFileStore(file),
                () -> Files.isSameFile(file, path("/d")),
                () -> Files.isHidden(file),
                () -> file.toRealPath(),
                () -> fs.getFileStores(),
                () -> fs.getUserPrincipalLookupService().lookupPrincipalByName("alice"))) {
            assertThrows(ClosedFileSystemException.class, operation::execute);
        }
    }

    @ParameterizedTest(name = "{0} matches \"{1}\": {2}")
    @CsvSource({
        "glob:*.txt, a.txt, true",
        "glob:*.txt, dir/a.txt, false",
        "glob:**/*.txt, /a/b/c.txt, true",
        "glob:**.txt, /a/b/c.txt, true",
        "glob:/etc/*, /etc/passwd, true",
        "glob:/etc/*, /etc/ssh/config, false",
        "glob:/etc/**, /etc/ssh/config, true",
        "glob:?.c, a.c, true",
        "glob:?.c, ab.c, false",
        "glob:?, /, false",
        "glob:[abc].x, b.x, true",
        "glob:[abc].x, d.x, false",
        "glob:[a-c]*, cat, true",
        "glob:[!a]*, bat, true",
        "glob:[!a]*, apple, false",
        "'glob:{foo,bar}.java', bar.java, true",
        "'glob:{foo,bar}.java', baz.java, false",
        "'glob:{*.c,*.h}', x.h, true",
        "glob:a\\*b, a*b, true",
        "glob:a\\*b, axb, false",
        "glob:.*, .profile, true",
        "glob:a.b(c), a.b(c), true",
        "glob:a+b$, a+b$, true",
        "glob:*, '', true",
        "glob:[[]x, [x, true",
        "GLOB:*.TXT, A.TXT, true",
        "regex:.*\\.txt, /a/b.txt, true",
        "regex:[a-z]+, abc1, false",
    })
    void shouldMatchAsTheJdkDoes(final String pattern, final String input, final boolean expected) {
        final PathMatcher guest = fs.getPathMatcher(pattern);
        final PathMatcher jdk = FileSystems.getDefault().getPathMatcher(pattern);
        assertEquals(expected, guest.matches(path(input)));
        assertEquals(jdk.matches(Path.of(input)), guest.matches(path(input)));
    }

    @Test
    void shouldRejectBadPatterns() {
        assertThrows(IllegalArgumentException.class, () -> fs.getPathMatcher("*.txt"));
        assertThrows(IllegalArgumentException.class, () -> fs.getPathMatcher(":x"));
        assertThrows(UnsupportedOperationException.class, () -> fs.getPathMatcher("sql:x%"));
        for (final String glob : List.of("glob:{a,{b}}", "glob:{a", "glob:[a", "glob:a\\", "glob:[a/b]", "glob:[c-a]")) {
            assertThrows(PatternSyntaxException.class, () -> fs.getPathMatcher(glob), glob);
            assertThrows(PatternSyntaxException.class, () -> FileSystems.getDefault().getPathMatcher(glob), glob);
        }
    }

    @Test
    void shouldServeManyThreadsAtOnce() throws Exception {
        final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            final List<CompletableFuture<String>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                final int n = i;
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        final Path dir = Files.createDirectories(path("/t" + (n % 4), "n" + n));
                        final Path file = Files.writeString(dir.resolve("f"), "content " + n);
                        Files.readAttributes(file, "unix:*");
                        return Files.readString(file);
                    } catch (final IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals("content " + i, results.get(i).get());
            }
        } finally {
            pool.shutdown();
        }
    }
}
