package io.crumblecracker.kvm;

import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_CHECK_EXTENSION;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_CREATE_VM;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_GET_API_VERSION;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_GET_SUPPORTED_CPUID;
import static io.crumblecracker.kvm.sys.KvmIoctls.KVM_GET_VCPU_MMAP_SIZE;

import io.crumblecracker.kvm.sys.Libc;
import java.lang.foreign.Arena;

/**
 * The KVM system file descriptor, {@code /dev/kvm}: API version, capabilities, supported CPUID, and
 * creating VMs.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public final class Kvm implements AutoCloseable {

    /** The only KVM API version there has ever been. */
    public static final int API_VERSION = 12;
    /** The device node. */
    public static final String DEVICE = "/dev/kvm";

    private final int fd;
    private volatile boolean closed;

    private Kvm(final int fd) {
        this.fd = fd;
    }

    /**
     * Opens {@code /dev/kvm} and checks the API version.
     *
     * @throws io.crumblecracker.kvm.sys.NativeException if the device cannot be opened (ENOENT, EACCES)
     * @throws IllegalStateException if the kernel speaks another API version
     */
    public static Kvm open() {
        final Kvm kvm = new Kvm(Libc.open(DEVICE, Libc.O_RDWR | Libc.O_CLOEXEC));
        final int version = kvm.apiVersion();
        if (version != API_VERSION) {
            kvm.close();
            throw new IllegalStateException("KVM_GET_API_VERSION returned " + version + ", expected " + API_VERSION);
        }
        return kvm;
    }

    /** {@code KVM_GET_API_VERSION}. */
    public int apiVersion() {
        return Libc.ioctl(fd, KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION");
    }

    /** {@code KVM_CHECK_EXTENSION}: 0 if unsupported, otherwise a capability-specific positive value. */
    public int checkExtension(final int capability) {
        return Libc.ioctl(fd, KVM_CHECK_EXTENSION, capability, "KVM_CHECK_EXTENSION");
    }

    /** {@code KVM_GET_VCPU_MMAP_SIZE}: the size of each vCPU's {@code kvm_run} mapping. */
    public int vcpuMmapSize() {
        return Libc.ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
    }

    /** {@code KVM_GET_SUPPORTED_CPUID} into a fresh buffer from {@code arena}. */
    public KvmCpuid supportedCpuid(final Arena arena) {
        final KvmCpuid cpuid = new KvmCpuid(arena);
        cpuid.setCount(KvmCpuid.CAPACITY);
        Libc.ioctl(fd, KVM_GET_SUPPORTED_CPUID, cpuid.segment, "KVM_GET_SUPPORTED_CPUID");
        return cpuid;
    }

    /** {@code KVM_CREATE_VM} with the default machine type. */
    public KvmVm createVm() {
        final int vmFd = Libc.ioctl(fd, KVM_CREATE_VM, 0, "KVM_CREATE_VM");
        return new KvmVm(vmFd, vcpuMmapSize());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
