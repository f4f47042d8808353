package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardWatchEventKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Path algebra as a table: every row states the expected result and is also checked against the JDK's own
 * Unix paths ({@code Path.of} on this Linux host), which {@link GuestPath} must behave like. In the tables
 * {@code ''} is the empty path, an empty cell {@code null}, and {@code ERR} an {@link IllegalArgumentException}.
 */
class GuestPathTest {
    private static final String ERR = "ERR";

    @TempDir
    static Path hostRoot;
    static GuestFileSystem fs;

    @BeforeAll
    static void openFileSystem() throws IOException {
        fs = GuestFileSystemProvider.instance().open(UUID.randomUUID().toString(), new HostDirectoryOperations(hostRoot));
    }

    @AfterAll
    static void closeFileSystem() throws IOException {
        fs.close();
    }

    @ParameterizedTest(name = "\"{0}\" is \"{1}\"")
    @CsvSource({"'', ''", "/, /", "//, /", "a//b/, a/b", "///a///, /a", "a/./b/, a/./b", "./, .", "/a/../b, /a/../b",
        "'a b/ c', 'a b/ c'", "é/ü, é/ü"})
    void shouldDropRedundantAndTrailingSlashes(final String input, final String expected) {
        assertEquals(expected, guest(input).toString());
        assertEquals(unix(input).toString(), guest(input).toString());
    }

    @ParameterizedTest(name = "{0}: {1} names, file name {2}, parent {3}, root {4}")
    @CsvSource({
        "/a/b/c, 3, c, /a/b, /, true",
        "a/b, 2, b, a, , false",
        "/a, 1, a, /, /, true",
        "a, 1, a, , , false",
        "/, 0, , , /, true",
        "'', 1, '', , , false",
        "../x, 2, x, .., , false",
    })
    void shouldTakePathsApart(final String input, final int names, final String fileName, final String parent,
                              final String root, final boolean absolute) {
        final GuestPath path = guest(input);
        final Path oracle = unix(input);
        assertEquals(names, path.getNameCount());
        assertEquals(fileName, string(path.getFileName()));
        assertEquals(parent, string(path.getParent()));
        assertEquals(root, string(path.getRoot()));
        assertEquals(absolute, path.isAbsolute());
        assertEquals(oracle.getNameCount(), path.getNameCount());
        assertEquals(string(oracle.getFileName()), string(path.getFileName()));
        assertEquals(string(oracle.getParent()), string(path.getParent()));
        assertEquals(string(oracle.getRoot()), string(path.getRoot()));
        final List<String> iterated = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        path.forEach(name -> iterated.add(name.toString()));
        oracle.forEach(name -> expected.add(name.toString()));
        assertEquals(expected, iterated);
        for (int i = 0; i < path.getNameCount(); i++) {
            assertEquals(oracle.getName(i).toString(), path.getName(i).toString());
            assertFalse(path.getName(i).isAbsolute());
        }
        assertThrows(IllegalArgumentException.class, () -> path.getName(-1));
        assertThrows(IllegalArgumentException.class, () -> path.getName(names));
    }

    @ParameterizedTest(name = "\"{0}\".subpath({1}, {2}) is {3}")
    @CsvSource({"/a/b/c, 0, 1, a", "/a/b/c, 1, 3, b/c", "a/b/c, 0, 3, a/b/c", "a/b/c, 2, 3, c", "/a/b, 0, 3, ERR",
        "/a/b, 1, 1, ERR", "/a/b, -1, 1, ERR", "/a/b, 2, 1, ERR", "'', 0, 1, ''", "/, 0, 1, ERR"})
    void shouldTakeSubpaths(final String input, final int begin, final int end, final String expected) {
        check(expected, () -> guest(input).subpath(begin, end), () -> unix(input).subpath(begin, end));
    }

    @ParameterizedTest(name = "\"{0}\".normalize() is \"{1}\"")
    @CsvSource({"'', ''", "., ''", "'..', '..'", "/.., /", "/../.., /", "/a/.., /", "a/.., ''", "a/../.., ..",
        "../a/.., ..", "a/./b/../c, a/c", "/a/b/../../../c, /c", "./a, a", "a/b/., a/b", "/./a//b/../c/, /a/c",
        "../../a, ../../a", "a/b/../../.., ..", "/a/b, /a/b", "a/..b/.c, a/..b/.c"})
    void shouldNormalize(final String input, final String expected) {
        check(expected, () -> guest(input).normalize(), () -> unix(input).normalize());
    }

    @ParameterizedTest(name = "\"{0}\".resolve(\"{1}\") is \"{2}\"")
    @CsvSource({"/a, b, /a/b", "/a, /b, /b", "a, '', a", "'', b, b", "'', '', ''", "/, a, /a", "a/b, ../c, a/b/../c",
        "/, /, /", "a, ., a/.", "/a/b, c/d, /a/b/c/d"})
    void shouldResolve(final String base, final String other, final String expected) {
        check(expected, () -> guest(base).resolve(guest(other)), () -> unix(base).resolve(unix(other)));
        check(expected, () -> guest(base).resolve(other), () -> unix(base).resolve(other));
    }

    @ParameterizedTest(name = "\"{0}\".resolveSibling(\"{1}\") is \"{2}\"")
    @CsvSource({"/a/b, c, /a/c", "a, b, b", "/a, b, /b", "/, a, a", "a/b, /c, /c", "a/b, '', a"})
    void shouldResolveSiblings(final String base, final String other, final String expected) {
        check(expected, () -> guest(base).resolveSibling(other), () -> unix(base).resolveSibling(other));
    }

    @ParameterizedTest(name = "\"{0}\".relativize(\"{1}\") is \"{2}\"")
    @CsvSource({"/a/b, /a/b/c/d, c/d", "/a/b/c, /a/x, ../../x", "/a/b, /a/b, ''", "a, b, ../b", "'', a, a",
        "a, '', ..", "/a, /, ..", "/, /a, a", "a/b, a, ..", "/a/./b, /a/c, ../c", "/a/../b, /b/c, c",
        "/a/b/.., /a/c, c", "a, /b, ERR", "/a, b, ERR", "'..', a, ERR", "/a/b/c, /d/e, ../../../d/e"})
    void shouldRelativize(final String base, final String other, final String expected) {
        check(expected, () -> guest(base).relativize(guest(other)), () -> unix(base).relativize(unix(other)));
        if (!expected.equals(ERR) && !base.contains(".")) {
            assertEquals(guest(other).normalize(), guest(base).resolve(guest(base).relativize(guest(other))).normalize());
        }
    }

    @ParameterizedTest(name = "\"{0}\".startsWith(\"{1}\") is {2}")
    @CsvSource({"/a/b, /a, true", "/a/b, /, true", "/a/b, a, false", "a/b, a, true", "a/b, a/b, true",
        "a/b, a/b/c, false", "/ab, /a, false", "'', '', true", "a, '', false", "/, '', false", "/, /, true",
        "a, /, false", "/a/b, '/a/b/', true", "a/b/c, a/b, true"})
    void shouldTellPrefixes(final String input, final String prefix, final boolean expected) {
        assertEquals(expected, guest(input).startsWith(guest(prefix)));
        assertEquals(unix(input).startsWith(unix(prefix)), guest(input).startsWith(guest(prefix)));
        assertEquals(expected, guest(input).startsWith(prefix));
    }

    @ParameterizedTest(name = "\"{0}\".endsWith(\"{1}\") is {2}")
    @CsvSource({"/a/b, b, true", "/a/b, a/b, true", "/a/b, /a/b, true", "/a/b, /b, false", "a/b, b, true",
        "/, /, true", "/a, /, false", "'', '', true", "a, '', false", "ab, b, false", "a/b, a, false",
        "'', a, false", "/a/b, '/a/b/', true", "a/b/c, b/c, true", "b, /b, false"})
    void shouldTellSuffixes(final String input, final String suffix, final boolean expected) {
        assertEquals(expected, guest(input).endsWith(guest(suffix)));
        assertEquals(unix(input).endsWith(unix(suffix)), guest(input).endsWith(guest(suffix)));
        assertEquals(expected, guest(input).endsWith(suffix));
    }

    static Stream<Arguments> joins() {
        return Stream.of(Arguments.of("a", new String[] {"b", "c"}, "a/b/c"),
                Arguments.of("/", new String[] {"a"}, "/a"),
                Arguments.of("", new String[] {"a"}, "a"),
                Arguments.of("a", new String[] {"", "b"}, "a/b"),
                Arguments.of("/a/", new String[] {"/b/"}, "/a/b"),
                Arguments.of("", new String[0], ""),
                Arguments.of("", new String[] {""}, ""),
                Arguments.of("/etc", new String[] {"passwd"}, "/etc/passwd"));
    }

    @ParameterizedTest(name = "getPath(\"{0}\", {1}) is \"{2}\"")
    @MethodSource("joins")
    void shouldJoinNames(final String first, final String[] more, final String expected) {
        assertEquals(expected, fs.getPath(first, more).toString());
        assertEquals(Path.of(first, more).toString(), fs.getPath(first, more).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "", "x", "../y"})
    void shouldResolveRelativePathsAgainstTheRoot(final String input) {
        final GuestPath absolute = guest(input).toAbsolutePath();
        assertTrue(absolute.isAbsolute());
        assertEquals(guest("/").resolve(guest(input)), absolute);
        assertEquals(absolute.toString(), absolute.guestString());
    }

    @Test
    void shouldKeepAnAbsolutePathAsItIs() {
        final GuestPath path = guest("/x/y");
        assertSame(path, path.toAbsolutePath());
    }

    @Test
    void shouldOrderAsTheJdkDoes() {
        final List<String> inputs = List.of("", "/", "/a", "a", "a/b", "ab", "a b", "é", "z", "\uD83D\uDE00",
                "\uFFFD", "A", "/a/b", "a/.");
        for (final String a : inputs) {
            for (final String b : inputs) {
                assertEquals(Integer.signum(unix(a).compareTo(unix(b))), Integer.signum(guest(a).compareTo(guest(b))),
                        a + " vs " + b);
            }
        }
    }

    @Test
    void shouldBeEqualToTheSamePathOfTheSameFileSystemOnly() throws IOException {
        assertEquals(guest("/a/b"), guest("/a//b/"));
        assertEquals(guest("/a/b").hashCode(), guest("/a//b/").hashCode());
        assertNotEquals(guest("/a/b"), guest("/a/b/."));
        assertNotEquals(guest("a"), guest("/a"));
        assertNotEquals(guest("/a"), Path.of("/a"));
        try (GuestFileSystem other = GuestFileSystemProvider.instance().open(UUID.randomUUID().toString(),
                new HostDirectoryOperations(hostRoot))) {
            assertNotEquals(guest("/a"), other.getPath("/a"));
            assertEquals("/a/b", guest("/a").resolve(other.getPath("b")).toString());
            assertSame(fs, guest("/a").resolve(other.getPath("/b")).getFileSystem());
        }
    }

    @Test
    void shouldRejectNulCharacters() {
        final InvalidPathException e = assertThrows(InvalidPathException.class, () -> fs.getPath("/etc/pass\0wd"));
        assertEquals(9, e.getIndex());
        assertEquals("/etc/pass\0wd", e.getInput());
        assertThrows(InvalidPathException.class, () -> fs.getPath("/etc", "x\0"));
        assertThrows(InvalidPathException.class, () -> guest("/a").resolve("\0"));
    }

    @Test
    void shouldRefuseOtherProvidersPaths() {
        final Path host = Path.of("x");
        assertThrows(ProviderMismatchException.class, () -> guest("/a").resolve(host));
        assertThrows(ProviderMismatchException.class, () -> guest("/a").relativize(Path.of("/b")));
        assertFalse(guest("/a").startsWith(Path.of("/")));
        assertFalse(guest("/a").endsWith(Path.of("a")));
        assertThrows(ClassCastException.class, () -> guest("/a").compareTo(host));
    }

    @Test
    void shouldMakeUrisThatFindThePathAgain() {
        final GuestPath path = guest("/etc/a b%c/é");
        final URI uri = path.toUri();
        assertEquals("crumble", uri.getScheme());
        assertEquals(fs.vmId(), uri.getAuthority());
        assertEquals("/etc/a b%c/é", uri.getPath());
        assertEquals("crumble://" + fs.vmId() + "/etc/a%20b%25c/%C3%A9", uri.toASCIIString());
        assertEquals(path, GuestFileSystemProvider.instance().getPath(uri));
        assertEquals(guest("/rel/x"), GuestFileSystemProvider.instance().getPath(guest("rel/x").toUri()));
        assertEquals("crumble://" + fs.vmId() + "/", guest("").toUri().toString());
    }

    @Test
    void shouldNotWatchOrBecomeAFile() {
        assertThrows(UnsupportedOperationException.class,
                () -> guest("/a").register(null, StandardWatchEventKinds.ENTRY_CREATE));
        assertThrows(UnsupportedOperationException.class, () -> guest("/a").toFile());
    }

    @Test
    void shouldHaveNoFileNameOrParentAtTheRoot() {
        assertNull(guest("/").getFileName());
        assertNull(guest("/").getParent());
        assertNull(guest("a").getRoot());
        assertSame(fs, guest("/").getFileSystem());
    }

    private static GuestPath guest(final String path) {
        return fs.getPath(path);
    }

    private static Path unix(final String path) {
        return Path.of(path);
    }

    private static String string(final Path path) {
        return path == null ? null : path.toString();
    }

    /** The result as {@code expected} says (a path's string, or ERR), and as the JDK computes it. */
    private static void check(final String expected, final Supplier<Path> guest, final Supplier<Path> oracle) {
        if (expected.equals(ERR)) {
            assertThrows(IllegalArgumentException.class, guest::get);
            assertThrows(IllegalArgumentException.class, oracle::get);
            return;
        }
        assertEquals(expected, guest.get().toString());
        assertEquals(oracle.get().toString(), guest.get().toString());
    }
}
