package io.crumblecracker.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crumblecracker.kvm.sys.FileDescriptors;
import io.crumblecracker.kvm.sys.Libc;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SET_MEM_TABLE: mapping shared guest memory, and refusing every hostile table. */
class MemoryTableTest {

    private static final long MIB = 1 << 20;
    private static final long USER = 0x7f00_0000_0000L;

    private final SharedMemory ram = new SharedMemory(2 * MIB);

    @AfterEach
    void close() {
        ram.close();
    }

    @Test
    void shouldMapRegionsGuestPhysicallyAndTranslateUserAddresses() throws Exception {
        final VhostUserMessage message = table(ram.dupFd(), ram.dupFd(),
                new long[] {0, MIB, USER, 0}, new long[] {0x1_0000_0000L, MIB, USER + MIB, MIB});
        try (MemoryTable table = MemoryTable.map(message)) {
            ram.segment().set(ValueLayout.JAVA_INT, MIB + 16, 0xCAFE);
            assertEquals(0xCAFE, table.memory().readU32(0x1_0000_0010L));
            table.memory().writeU32(8, 0xBEEF);
            assertEquals(0xBEEF, ram.segment().get(ValueLayout.JAVA_INT, 8));
            assertEquals(0x1_0000_0100L, table.toGuest(USER + MIB + 0x100, 16, "ring"));
            assertThrows(VhostUserException.class, () -> table.toGuest(USER + 2 * MIB - 8, 16, "ring"));
            assertThrows(VhostUserException.class, () -> table.toGuest(USER - 1, 1, "ring"));
        }
        assertThrows(IllegalStateException.class, () -> message.takeFd(0), "the descriptors were taken");
    }

    @Test
    void shouldSealTheMemfdAgainstShrinking() throws Exception {
        try (MemoryTable table = MemoryTable.map(table(ram.dupFd(), new long[] {0, MIB, USER, 0}))) {
            assertTrue((FileDescriptors.sealsRaw(ram.fd()) & FileDescriptors.F_SEAL_SHRINK) != 0);
        }
    }

    @Test
    void shouldRefuseTooManyOrNoRegions() {
        final long[][] nine = new long[9][];
        for (int i = 0; i < nine.length; i++) {
            nine[i] = new long[] {i * MIB, MIB, USER + i * MIB, 0};
        }
        assertRefused("regions=9 is not in [1, 8]", Frames.message(VhostUserRequest.SET_MEM_TABLE, Frames.V1,
                Frames.memTable(nine)));
        assertRefused("regions=0", Frames.message(VhostUserRequest.SET_MEM_TABLE, Frames.V1, Frames.memTable()));
    }

    @Test
    void shouldRefuseAFdCountThatDoesNotMatch() {
        assertRefused("fds=0, expected 1", Frames.message(VhostUserRequest.SET_MEM_TABLE, Frames.V1,
                Frames.memTable(new long[] {0, MIB, USER, 0})));
    }

    @Test
    void shouldRefuseOverlappingRegions() {
        assertRefused("guest-physical regions overlap", table(ram.dupFd(), ram.dupFd(),
                new long[] {0, MIB, USER, 0}, new long[] {MIB / 2, MIB, USER + MIB, MIB}));
        assertRefused("user-space regions overlap", table(ram.dupFd(), ram.dupFd(),
                new long[] {0, MIB, USER, 0}, new long[] {MIB, MIB, USER + MIB / 2, MIB}));
    }

    @Test
    void shouldRefuseSizesThatWrapOrAreZero() {
        assertRefused("wraps", table(ram.dupFd(), new long[] {-4096, MIB, USER, 0}));
        assertRefused("size=0", table(ram.dupFd(), new long[] {0, 0, USER, 0}));
        assertRefused("mmap_offset", table(ram.dupFd(), new long[] {0, MIB, USER, -4096}));
    }

    @Test
    void shouldRefuseARegionLongerThanItsFile() {
        assertRefused("is shorter than mmap_offset", table(ram.dupFd(), new long[] {0, MIB, USER, 1536 * 1024}));
    }

    @Test
    void shouldRefuseADescriptorThatIsNotARegularFile() {
        final int eventfd = Libc.eventfd(0, Libc.EFD_CLOEXEC);
        assertRefused("is not a regular file", table(eventfd, new long[] {0, MIB, USER, 0}));
        assertFalse(SharedMemory.isOpen(eventfd), "refused descriptor leaked");
    }

    private static VhostUserMessage table(final int fd, final long[] region) {
        return Frames.message(VhostUserRequest.SET_MEM_TABLE, Frames.V1, Frames.memTable(region), fd);
    }

    private static VhostUserMessage table(final int fd0, final int fd1, final long[] r0, final long[] r1) {
        return Frames.message(VhostUserRequest.SET_MEM_TABLE, Frames.V1, Frames.memTable(r0, r1), fd0, fd1);
    }

    private static void assertRefused(final String reason, final VhostUserMessage message) {
        try (message) {
            final VhostUserException e = assertThrows(VhostUserException.class, () -> MemoryTable.map(message));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        }
    }
}
