package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.agent.GuestStat;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attributes by class, by name and through views; owners and groups by number and by name. */
class GuestAttributesTest extends GuestFileSystemFixture {
    private static final FileTime THEN = FileTime.from(Instant.parse("2020-02-02T10:20:30.123456Z"));

    @BeforeEach
    void writeFiles() throws IOException {
        Files.writeString(path("/f"), "twelve bytes");
        Files.createDirectory(path("/d"));
        Files.createSymbolicLink(path("/l"), path("f"));
    }

    @Test
    void shouldReadBasicAndPosixAttributesAsTheHostSeesThem() throws IOException {
        final PosixFileAttributes guest = Files.readAttributes(path("/f"), PosixFileAttributes.class);
        final PosixFileAttributes expected = Files.readAttributes(onHost("/f"), PosixFileAttributes.class);
        assertEquals(12, guest.size());
        assertTrue(guest.isRegularFile());
        assertFalse(guest.isDirectory() || guest.isSymbolicLink() || guest.isOther());
        assertEquals(expected.lastModifiedTime(), guest.lastModifiedTime());
        assertEquals(expected.lastAccessTime(), guest.lastAccessTime());
        assertEquals(guest.lastModifiedTime(), guest.creationTime());
        assertEquals(expected.permissions(), guest.permissions());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(guest.permissions()));
        assertEquals(Files.getAttribute(onHost("/f"), "unix:uid").toString(), guest.owner().getName(),
                "no /etc/passwd in the guest: the id");
        final Map<String, Object> unix = Files.readAttributes(onHost("/f"), "unix:ino,dev");
        assertEquals(new GuestFileKey((Long) unix.get("dev"), (Long) unix.get("ino")), guest.fileKey());
        final BasicFileAttributes basic = Files.readAttributes(path("/d"), BasicFileAttributes.class);
        assertTrue(basic.isDirectory());
        assertInstanceOf(GuestFileAttributes.class, basic);
        assertTrue(Files.readAttributes(path("/l"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink());
        assertTrue(Files.readAttributes(path("/l"), BasicFileAttributes.class).isRegularFile());
        assertEquals(guest.fileKey(), Files.readAttributes(path("/l"), BasicFileAttributes.class).fileKey());
        assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(path("/f"), DosFileAttributes.class));
    }

    @Test
    void shouldReadAttributesByName() throws IOException {
        final Map<String, Object> basic = Files.readAttributes(path("/f"), "*");
        assertEquals(Set.of("lastModifiedTime", "lastAccessTime", "creationTime", "size", "isRegularFile",
                "isDirectory", "isSymbolicLink", "isOther", "fileKey"), basic.keySet());
        assertEquals(basic.keySet(), Files.readAttributes(path("/f"), "basic:*").keySet());
        assertEquals(12L, basic.get("size"));
        assertEquals(Map.of("size", 12L, "isDirectory", false), Files.readAttributes(path("/f"), "size,isDirectory"));
        final Map<String, Object> posix = Files.readAttributes(path("/f"), "posix:*");
        assertTrue(posix.keySet().containsAll(Set.of("permissions", "owner", "group", "size")));
        assertEquals(PosixFilePermissions.fromString("rw-r--r--"), posix.get("permissions"));
        assertEquals(Set.of("owner"), Files.readAttributes(path("/f"), "owner:*").keySet());
        assertEquals(Set.of(true), Set.of(Files.getAttribute(path("/l"), "isSymbolicLink", LinkOption.NOFOLLOW_LINKS)));
    }

    @Test
    void shouldReadUnixAttributesAsTheHostDoes() throws IOException {
        final Map<String, Object> guest = Files.readAttributes(path("/f"), "unix:*");
        final Map<String, Object> host = Files.readAttributes(onHost("/f"), "unix:*");
        for (final String name : new String[] {"mode", "uid", "gid", "ino", "dev", "nlink", "ctime", "size",
            "lastModifiedTime", "permissions"}) {
            assertEquals(host.get(name), guest.get(name), name);
        }
        assertEquals(GuestStat.S_IFREG | 0644, guest.get("mode"));
        assertEquals(GuestStat.S_IFDIR | 0755, Files.getAttribute(path("/d"), "unix:mode"));
        assertEquals(GuestStat.S_IFLNK, (Integer) Files.getAttribute(path("/l"), "unix:mode", LinkOption.NOFOLLOW_LINKS)
                & GuestStat.S_IFMT);
    }

    @Test
    void shouldRejectUnknownViewsAndNames() {
        assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(path("/f"), "dos:*"));
        assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(path("/f"), "basic:nope"));
        assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(path("/f"), "owner:group"));
        assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(path("/f"), "size,"));
        assertThrows(UnsupportedOperationException.class, () -> Files.setAttribute(path("/f"), "dos:hidden", true));
        assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(path("/f"), "basic:size", 3L));
        assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(path("/f"), "basic:mode", 0));
        assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(path("/f"), "owner:group", null));
        assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(path("/f"), "unix:ino", 1L));
        assertThrows(ClassCastException.class, () -> Files.setAttribute(path("/f"), "lastModifiedTime", "yesterday"));
        assertThrows(ClassCastException.class, () -> Files.setAttribute(path("/f"), "unix:mode", "0644"));
    }

    @Test
    void shouldHandOutTheStandardViews() throws IOException {
        final var provider = fs.provider();
        assertEquals("basic", provider.getFileAttributeView(path("/f"), BasicFileAttributeView.class).name());
        assertEquals("posix", provider.getFileAttributeView(path("/f"), PosixFileAttributeView.class).name());
        assertEquals("owner", provider.getFileAttributeView(path("/f"), FileOwnerAttributeView.class).name());
        assertNull(provider.getFileAttributeView(path("/f"), DosFileAttributeView.class));
        assertEquals(12, Files.getFileAttributeView(path("/f"), BasicFileAttributeView.class).readAttributes().size());
        assertEquals(Set.of("basic", "posix", "unix", "owner"), fs.supportedFileAttributeViews());
        assertTrue(Files.getFileAttributeView(path("/nope"), PosixFileAttributeView.class) != null,
                "a view is handed out without I/O");
    }

    @Test
    void shouldSetTimes() throws IOException {
        final FileTime access = FileTime.from(Instant.parse("2019-01-01T00:00:00Z"));
        Files.getFileAttributeView(path("/f"), BasicFileAttributeView.class).setTimes(THEN, access, null);
        assertEquals(THEN, Files.getLastModifiedTime(onHost("/f")));
        assertEquals(access, Files.readAttributes(onHost("/f"), BasicFileAttributes.class).lastAccessTime());
        final FileTime later = FileTime.from(Instant.parse("2021-03-03T00:00:00Z"));
        Files.setLastModifiedTime(path("/f"), later);
        assertEquals(later, Files.getLastModifiedTime(onHost("/f")));
        assertEquals(access, Files.readAttributes(onHost("/f"), BasicFileAttributes.class).lastAccessTime(),
                "a null time is left as it is");
        Files.setAttribute(path("/f"), "basic:lastAccessTime", THEN);
        assertEquals(THEN, Files.readAttributes(onHost("/f"), BasicFileAttributes.class).lastAccessTime());
        Files.setAttribute(path("/f"), "creationTime", later);
        Files.getFileAttributeView(path("/f"), BasicFileAttributeView.class).setTimes(null, null, null);
        Files.getFileAttributeView(path("/l"), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(THEN, null, null);
        assertEquals(THEN, Files.getLastModifiedTime(onHost("/l"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(later, Files.getLastModifiedTime(onHost("/f")), "the link's target is untouched");
    }

    @Test
    void shouldSetPermissionsWithoutTypeBits() throws IOException {
        Files.setPosixFilePermissions(path("/f"), PosixFilePermissions.fromString("rwx--x---"));
        assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(onHost("/f"))));
        assertEquals(0710, host.lastChmodMode());
        Files.setAttribute(path("/f"), "posix:permissions", PosixFilePermissions.fromString("r--------"));
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(onHost("/f"))));
        Files.setAttribute(path("/f"), "unix:mode", GuestStat.S_IFREG | 04755);
        assertEquals(04755, host.lastChmodMode(), "the file type bits are left out");
        assertEquals(GuestStat.S_IFREG | 04755, Files.getAttribute(onHost("/f"), "unix:mode"));
        Files.setPosixFilePermissions(path("/l"), PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(onHost("/f"))),
                "a link is followed by default");
        assertThrows(FileSystemException.class, () -> Files.getFileAttributeView(path("/l"), PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).setPermissions(PosixFilePermissions.fromString("rwx------")));
    }

    @Test
    void shouldChangeOwnerAndGroupByNumber() throws IOException {
        final var lookup = fs.getUserPrincipalLookupService();
        final UserPrincipal user = lookup.lookupPrincipalByName("1234");
        final GroupPrincipal group = lookup.lookupPrincipalByGroupName("2345");
        assertEquals("1234", user.getName());
        assertInstanceOf(GuestUserPrincipal.class, user);
        Files.setOwner(path("/f"), user);
        assertEquals(1234, Files.getAttribute(onHost("/f"), "unix:uid"));
        Files.getFileAttributeView(path("/f"), PosixFileAttributeView.class).setGroup(group);
        assertEquals(2345, Files.getAttribute(onHost("/f"), "unix:gid"));
        assertEquals(1234, Files.getAttribute(onHost("/f"), "unix:uid"), "the owner stays");
        assertEquals(user, Files.getOwner(path("/f")));
        assertEquals(group, Files.readAttributes(path("/f"), PosixFileAttributes.class).group());
        assertEquals("1234", Files.getOwner(path("/f")).getName());
        Files.setAttribute(path("/f"), "unix:uid", 11);
        Files.setAttribute(path("/f"), "unix:gid", 22);
        assertEquals(Map.of("uid", 11, "gid", 22), Files.readAttributes(onHost("/f"), "unix:uid,gid"));
        Files.setAttribute(path("/f"), "posix:owner", lookup.lookupPrincipalByName("33"));
        Files.setAttribute(path("/f"), "posix:group", lookup.lookupPrincipalByGroupName("44"));
        Files.setAttribute(path("/d"), "owner:owner", lookup.lookupPrincipalByName("55"));
        assertEquals(Map.of("uid", 33, "gid", 44), Files.readAttributes(onHost("/f"), "unix:uid,gid"));
        assertEquals(55, Files.getAttribute(onHost("/d"), "unix:uid"));
        Files.getFileAttributeView(path("/l"), FileOwnerAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setOwner(lookup.lookupPrincipalByName("66"));
        assertEquals(66, Files.getAttribute(onHost("/l"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(33, Files.getAttribute(onHost("/f"), "unix:uid"), "lchown leaves the target alone");
    }

    @Test
    void shouldRefuseForeignPrincipals() throws IOException {
        final UserPrincipal hostUser = Path.of("/").getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("root");
        assertThrows(ProviderMismatchException.class, () -> Files.setOwner(path("/f"), hostUser));
        final GroupPrincipal group = fs.getUserPrincipalLookupService().lookupPrincipalByGroupName("7");
        assertThrows(ProviderMismatchException.class, () -> Files.setOwner(path("/f"), group));
        assertThrows(ClassCastException.class, () -> Files.setAttribute(path("/f"), "posix:group",
                fs.getUserPrincipalLookupService().lookupPrincipalByName("7")));
    }

    @Test
    void shouldResolveNamesFromTheGuestsAccountFiles() throws IOException {
        Files.createDirectory(path("/etc"));
        Files.writeString(path("/etc/passwd"), "# users\nroot:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n"
                + "broken line\nbob:x:notanumber:1:::\n");
        Files.writeString(path("/etc/group"), "root:x:0:\nstaff:x:50:alice\n");
        final var lookup = fs.getUserPrincipalLookupService();
        final UserPrincipal alice = lookup.lookupPrincipalByName("alice");
        assertEquals(1000, ((GuestUserPrincipal) alice).uid());
        assertEquals("alice", alice.getName());
        assertEquals(50, lookup.lookupPrincipalByGroupName("staff").gid());
        assertThrows(UserPrincipalNotFoundException.class, () -> lookup.lookupPrincipalByName("bob"));
        assertThrows(UserPrincipalNotFoundException.class, () -> lookup.lookupPrincipalByName("nobody"));
        assertThrows(UserPrincipalNotFoundException.class, () -> lookup.lookupPrincipalByGroupName("wheel"));
        Files.setOwner(path("/f"), alice);
        Files.setAttribute(path("/f"), "posix:group", lookup.lookupPrincipalByGroupName("staff"));
        final PosixFileAttributes attributes = Files.readAttributes(path("/f"), PosixFileAttributes.class);
        assertEquals("alice", attributes.owner().getName());
        assertEquals("staff", attributes.group().getName());
        assertEquals("root", Files.getOwner(path("/d")).getName());
        assertEquals(alice, attributes.owner());
        assertEquals(alice.hashCode(), attributes.owner().hashCode());
        assertNotEquals(alice, lookup.lookupPrincipalByName("0"));
        Files.writeString(path("/etc/passwd"), "carol:x:1000:1000::/:/bin/sh\n");
        assertEquals("carol", Files.getOwner(path("/f")).getName(), "a changed passwd is read again");
        Files.delete(path("/etc/passwd"));
        assertEquals("1000", Files.getOwner(path("/f")).getName(), "without passwd: the number");
    }

    @Test
    void shouldShareAFileKeyBetweenHardLinks() throws IOException {
        Files.createLink(path("/hard"), path("/f"));
        final Object key = Files.readAttributes(path("/f"), BasicFileAttributes.class).fileKey();
        assertEquals(key, Files.readAttributes(path("/hard"), BasicFileAttributes.class).fileKey());
        assertNotEquals(key, Files.readAttributes(path("/d"), BasicFileAttributes.class).fileKey());
    }
}
