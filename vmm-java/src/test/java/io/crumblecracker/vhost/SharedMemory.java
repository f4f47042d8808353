package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.FileDescriptors;
import io.crumblecracker.kvm.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/** A memfd the test maps itself, standing in for a front-end's guest RAM. */
final class SharedMemory implements AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment segment;

    SharedMemory(final long size) {
        this.fd = FileDescriptors.memfd("vhost-test", size, FileDescriptors.MFD_CLOEXEC
                | FileDescriptors.MFD_ALLOW_SEALING);
        this.segment = Libc.mmap(size, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, fd, 0, arena, "test");
    }

    /** The memfd itself (owned by this object). */
    int fd() {
        return fd;
    }

    /** A fresh descriptor for the same memory, to hand over (the receiver closes it). */
    int dupFd() {
        return Libc.open("/proc/self/fd/" + fd, Libc.O_RDWR | Libc.O_CLOEXEC);
    }

    MemorySegment segment() {
        return segment;
    }

    /** True if {@code fd} is an open descriptor of this process. */
    static boolean isOpen(final int descriptor) {
        return Files.exists(Path.of("/proc/self/fd/" + descriptor));
    }

    @Override
    public void close() {
        arena.close();
        FileDescriptors.closeQuietly(fd);
    }
}
