package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.FileDescriptors;
import io.crumblecracker.kvm.sys.Libc;
import io.crumblecracker.kvm.sys.NativeException;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;
import io.crumblecracker.memory.MemoryRegion;
import io.crumblecracker.memory.SegmentGuestMemory;
import io.crumblecracker.vhost.Payloads.MemoryRegionSpec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The front-end's guest memory as SET_MEM_TABLE described it (vhost-user spec, "Memory access"): every
 * region's descriptor mapped {@code MAP_SHARED} and assembled into a {@link GuestMemory} whose addresses
 * are guest physical, plus the translation from the front-end's user-space addresses (in which vring
 * addresses arrive) to guest physical ones.
 *
 * <p>Every number is checked before anything is mapped: 1 to 8 regions, non-zero sizes, no 64-bit
 * overflow, no two regions overlapping in guest-physical or in user space, each descriptor a regular file
 * (memfd, hugetlbfs, tmpfs) at least {@code mmap_offset + size} long, so no mapping reaches past the end of
 * its file. A memfd without {@code F_SEAL_SHRINK} is sealed here when it allows it, because a front-end
 * that shrank a mapped file could make this JVM fault (SIGBUS); otherwise a warning is logged.
 *
 * <p>Thread safety: immutable after {@link #map}; {@link #close} (which unmaps) only once no worker uses
 * the memory.
 *
 * @see <a href="https://qemu-project.gitlab.io/qemu/interop/vhost-user.html#memory-access">vhost-user:
 *      Memory access</a>
 */
final class MemoryTable implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MemoryTable.class.getName());
    private static final long PAGE = 4096;
    /** x86-64 user space is 47 bits; no real region or offset is larger. */
    private static final long MAX_EXTENT = 1L << 47;

    private final Arena arena;
    private final List<MemoryRegionSpec> specs;
    private final SegmentGuestMemory memory;

    private MemoryTable(final Arena arena, final List<MemoryRegionSpec> specs, final SegmentGuestMemory memory) {
        this.arena = arena;
        this.specs = List.copyOf(specs);
        this.memory = memory;
    }

    /** Validates and maps the regions of a SET_MEM_TABLE message, taking (and closing) its descriptors. */
    static MemoryTable map(final VhostUserMessage message) throws VhostUserException {
        final List<MemoryRegionSpec> specs = MemoryRegionSpec.decodeTable(message);
        validate(specs, message.name());
        final Arena arena = Arena.ofShared();
        try {
            final List<MemoryRegion> regions = new ArrayList<>(specs.size());
            for (int i = 0; i < specs.size(); i++) {
                final int fd = message.takeFd(i);
                try {
                    regions.add(mapRegion(message.name() + " region " + i, specs.get(i), fd, arena));
                } finally {
                    FileDescriptors.closeQuietly(fd);
                }
            }
            final MemoryTable table = new MemoryTable(arena, specs, new SegmentGuestMemory(regions));
            LOG.log(System.Logger.Level.DEBUG, "{0}: mapped {1}", message.name(), table);
            return table;
        } catch (final VhostUserException e) {
            arena.close();
            throw e;
        } catch (final RuntimeException e) {
            arena.close();
            throw new VhostUserException(message.name() + ": " + e.getMessage(), e);
        }
    }

    /** Guest memory, addressed guest-physically. */
    GuestMemory memory() {
        return memory;
    }

    /**
     * Translates a front-end user-space range to a guest physical address.
     *
     * @throws VhostUserException if {@code [userAddress, userAddress + length)} is not inside one region
     */
    long toGuest(final long userAddress, final long length, final String what) throws VhostUserException {
        for (final MemoryRegionSpec spec : specs) {
            final long offset = userAddress - spec.userAddress();
            if (Long.compareUnsigned(userAddress, spec.userAddress()) >= 0
                    && Long.compareUnsigned(offset, spec.size()) < 0
                    && Long.compareUnsigned(length, spec.size() - offset) <= 0) {
                return spec.guestAddress() + offset;
            }
        }
        throw new VhostUserException(what + "=0x" + Long.toHexString(userAddress) + " length=" + length
                + " is outside the memory table");
    }

    /** Unmaps every region. */
    @Override
    public void close() {
        arena.close();
    }

    @Override
    public String toString() {
        return "MemoryTable" + specs;
    }

    private static void validate(final List<MemoryRegionSpec> specs, final String name) throws VhostUserException {
        for (int i = 0; i < specs.size(); i++) {
            final MemoryRegionSpec s = specs.get(i);
            final String where = name + " region " + i + ": ";
            if (s.size() <= 0 || s.size() > MAX_EXTENT) {
                throw new VhostUserException(where + "size=" + Long.toUnsignedString(s.size()) + " is not in (0, 2^47]");
            }
            if (s.mmapOffset() < 0 || s.mmapOffset() > MAX_EXTENT) {
                throw new VhostUserException(where + "mmap_offset=0x" + Long.toHexString(s.mmapOffset())
                        + " is not in [0, 2^47]");
            }
            checkNoWrap(where + "guest_phys_addr", s.guestAddress(), s.size());
            checkNoWrap(where + "userspace_addr", s.userAddress(), s.size());
        }
        checkDisjoint(specs, MemoryRegionSpec::guestAddress, name + ": guest-physical");
        checkDisjoint(specs, MemoryRegionSpec::userAddress, name + ": user-space");
    }

    private static void checkNoWrap(final String what, final long start, final long size) throws VhostUserException {
        if (Long.compareUnsigned(start + size, start) < 0) {
            throw new VhostUserException(what + "=0x" + Long.toHexString(start) + " + size=" + size + " wraps");
        }
    }

    private static void checkDisjoint(final List<MemoryRegionSpec> specs, final ToLongFunction<MemoryRegionSpec> start,
            final String what) throws VhostUserException {
        final List<MemoryRegionSpec> sorted = new ArrayList<>(specs);
        sorted.sort(Comparator.comparing(start::applyAsLong, Long::compareUnsigned));
        for (int i = 1; i < sorted.size(); i++) {
            final MemoryRegionSpec before = sorted.get(i - 1);
            final long end = start.applyAsLong(before) + before.size();
            if (Long.compareUnsigned(start.applyAsLong(sorted.get(i)), end) < 0) {
                throw new VhostUserException(what + " regions overlap: " + before + " and " + sorted.get(i));
            }
        }
    }

    private static MemoryRegion mapRegion(final String what, final MemoryRegionSpec spec, final int fd,
            final Arena arena) throws VhostUserException {
        checkBackingFile(what, spec, fd);
        sealAgainstShrinking(what, fd);
        final long alignedOffset = spec.mmapOffset() & -PAGE;
        final long delta = spec.mmapOffset() - alignedOffset;
        final MemorySegment mapping;
        try {
            mapping = Libc.mmap(spec.size() + delta, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd,
                    alignedOffset, arena, what);
        } catch (final NativeException e) {
            throw new VhostUserException(what + ": " + e.getMessage(), e);
        }
        return new MemoryRegion(GuestAddress.of(spec.guestAddress()), mapping.asSlice(delta, spec.size()));
    }

    /** The descriptor must be a regular file that covers the whole region, or touching it could SIGBUS. */
    private static void checkBackingFile(final String what, final MemoryRegionSpec spec, final int fd)
            throws VhostUserException {
        final BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class);
        } catch (final IOException e) {
            throw new VhostUserException(what + ": cannot stat fd=" + fd + ": " + e.getMessage(), e);
        }
        if (!attributes.isRegularFile()) {
            throw new VhostUserException(what + ": fd=" + fd + " is not a regular file (memfd, tmpfs, hugetlbfs)");
        }
        if (attributes.size() < spec.mmapOffset() + spec.size()) {
            throw new VhostUserException(what + ": file size=" + attributes.size() + " is shorter than mmap_offset="
                    + spec.mmapOffset() + " + size=" + spec.size());
        }
    }

    private static void sealAgainstShrinking(final String what, final int fd) {
        final int seals = FileDescriptors.sealsRaw(fd);
        if (seals >= 0 && (seals & FileDescriptors.F_SEAL_SHRINK) != 0) {
            return;
        }
        try {
            if (seals >= 0) {
                FileDescriptors.addSeals(fd, FileDescriptors.F_SEAL_SHRINK);
                return;
            }
        } catch (final NativeException e) {
            // Sealing is sealed (F_SEAL_SEAL) or not allowed: fall through to the warning.
        }
        LOG.log(System.Logger.Level.WARNING, "{0}: guest memory fd={1} cannot be sealed against shrinking; a "
                + "front-end that truncates it can crash this JVM with SIGBUS", what, fd);
    }
}
