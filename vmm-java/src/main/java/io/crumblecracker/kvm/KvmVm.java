package io.crumblecracker.kvm;

import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_CREATE_IRQCHIP;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_CREATE_PIT2;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_CREATE_VCPU;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_IOEVENTFD;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_IRQFD;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_IRQ_LINE;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_IDENTITY_MAP_ADDR;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_TSS_ADDR;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_SET_USER_MEMORY_REGION;

import io.crumblecracker.kvm.sys.EventFd;
import io.crumblecracker.kvm.sys.KvmIoctls;
import io.crumblecracker.kvm.sys.KvmLayouts;
import io.crumblecracker.kvm.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A KVM virtual machine file descriptor: memory slots, the in-kernel interrupt controllers and PIT,
 * irqfd/ioeventfd wiring, and vCPU creation.
 *
 * <p>Thread safety: all methods may be called from any thread; KVM serialises them.
 */
public final class KvmVm implements AutoCloseable {

    private final int fd;
    private final int vcpuMmapSize;
    private volatile boolean closed;

    KvmVm(final int fd, final int vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /**
     * {@code KVM_SET_USER_MEMORY_REGION}: backs guest physical {@code [guestAddress, +memory.byteSize())}
     * with {@code memory}, which must be a page-aligned native mapping that outlives the VM.
     */
    public void setUserMemoryRegion(final int slot, final long guestAddress, final MemorySegment memory) {
        if (!memory.isNative() || (memory.address() & 0xFFF) != 0 || (memory.byteSize() & 0xFFF) != 0) {
            throw new IllegalArgumentException("memory must be a page-aligned native mapping: " + memory);
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment region = arena.allocate(KvmLayouts.MEMORY_REGION_SIZE, 8);
            region.set(ValueLayout.JAVA_INT, 0, slot);
            region.set(ValueLayout.JAVA_INT, 4, 0);
            region.set(ValueLayout.JAVA_LONG, 8, guestAddress);
            region.set(ValueLayout.JAVA_LONG, 16, memory.byteSize());
            region.set(ValueLayout.JAVA_LONG, 24, memory.address());
            Libc.ioctl(fd, KVM_SET_USER_MEMORY_REGION, region, "KVM_SET_USER_MEMORY_REGION");
        }
    }

    /** {@code KVM_SET_TSS_ADDR}: three pages KVM needs for real-mode emulation on Intel. */
    public void setTssAddress(final long address) {
        Libc.ioctl(fd, KVM_SET_TSS_ADDR, address, "KVM_SET_TSS_ADDR");
    }

    /** {@code KVM_SET_IDENTITY_MAP_ADDR}: one page for the EPT identity map on Intel. */
    public void setIdentityMapAddress(final long address) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(fd, KVM_SET_IDENTITY_MAP_ADDR, arena.allocateFrom(ValueLayout.JAVA_LONG, address),
                    "KVM_SET_IDENTITY_MAP_ADDR");
        }
    }

    /** {@code KVM_CREATE_IRQCHIP}: an in-kernel 8259 PIC pair, IOAPIC and a local APIC per vCPU. */
    public void createIrqchip() {
        Libc.ioctl(fd, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
    }

    /** {@code KVM_CREATE_PIT2} with the speaker port ignored. Needs the irqchip first. */
    public void createPit2() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment config = arena.allocate(KvmLayouts.PIT_CONFIG_SIZE, 8);
            config.set(ValueLayout.JAVA_INT, 0, KvmIoctls.KVM_PIT_SPEAKER_DUMMY);
            Libc.ioctl(fd, KVM_CREATE_PIT2, config, "KVM_CREATE_PIT2");
        }
    }

    /** {@code KVM_IRQ_LINE}: sets interrupt line {@code gsi} to {@code level}. */
    public void irqLine(final int gsi, final boolean level) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment irq = arena.allocate(KvmLayouts.IRQ_LEVEL_SIZE, 4);
            irq.set(ValueLayout.JAVA_INT, 0, gsi);
            irq.set(ValueLayout.JAVA_INT, 4, level ? 1 : 0);
            Libc.ioctl(fd, KVM_IRQ_LINE, irq, "KVM_IRQ_LINE");
        }
    }

    /** {@code KVM_IRQFD}: signalling {@code eventFd} raises {@code gsi} (an edge) with no exit. */
    public void registerIrqfd(final EventFd eventFd, final int gsi) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment irqfd = arena.allocate(KvmLayouts.IRQFD_SIZE, 8);
            irqfd.set(ValueLayout.JAVA_INT, 0, eventFd.fd());
            irqfd.set(ValueLayout.JAVA_INT, 4, gsi);
            Libc.ioctl(fd, KVM_IRQFD, irqfd, "KVM_IRQFD");
        }
    }

    /**
     * {@code KVM_IOEVENTFD}: a guest write of {@code length} bytes to {@code address} (a port if
     * {@code pio}) signals {@code eventFd} instead of exiting to the VMM.
     *
     * @param dataMatch if non-null, only writes of this value signal
     */
    public void registerIoeventfd(final EventFd eventFd, final long address, final int length, final boolean pio,
                                  final Long dataMatch) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment ioeventfd = arena.allocate(KvmLayouts.IOEVENTFD_SIZE, 8);
            int flags = pio ? KvmIoctls.KVM_IOEVENTFD_FLAG_PIO : 0;
            if (dataMatch != null) {
                flags |= KvmIoctls.KVM_IOEVENTFD_FLAG_DATAMATCH;
                ioeventfd.set(ValueLayout.JAVA_LONG, 0, dataMatch);
            }
            ioeventfd.set(ValueLayout.JAVA_LONG, 8, address);
            ioeventfd.set(ValueLayout.JAVA_INT, 16, length);
            ioeventfd.set(ValueLayout.JAVA_INT, 20, eventFd.fd());
            ioeventfd.set(ValueLayout.JAVA_INT, 24, flags);
            Libc.ioctl(fd, KVM_IOEVENTFD, ioeventfd, "KVM_IOEVENTFD");
        }
    }

    /** {@code KVM_CREATE_VCPU} with id {@code id}, its {@code kvm_run} mapped into {@code arena}. */
    public KvmVcpu createVcpu(final int id, final Arena arena) {
        final int vcpuFd = Libc.ioctl(fd, KVM_CREATE_VCPU, id, "KVM_CREATE_VCPU");
        final MemorySegment run = Libc.mmap(vcpuMmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED,
                vcpuFd, 0, arena, "kvm_run of vCPU " + id);
        return new KvmVcpu(id, vcpuFd, new KvmRun(run));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
