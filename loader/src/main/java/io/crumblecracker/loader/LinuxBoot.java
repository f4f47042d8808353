package io.crumblecracker.loader;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.BootParams;
import io.crumblecracker.loader.boot.E820Entry;
import io.crumblecracker.loader.boot.E820Map;
import io.crumblecracker.loader.boot.KernelCmdline;
import io.crumblecracker.loader.boot.Sizes;
import io.crumblecracker.loader.boot.ZeroPageLayout;
import io.crumblecracker.loader.kernel.BzImageKernel;
import io.crumblecracker.loader.kernel.ElfKernel;
import io.crumblecracker.loader.kernel.ImageFiles;
import io.crumblecracker.loader.kernel.KernelImage;
import io.crumblecracker.loader.kernel.LoadedKernel;
import io.crumblecracker.memory.GuestMemory;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads Linux into guest memory for the x86 64-bit boot protocol: the kernel, an optional initramfs,
 * the command line and the zero page with its e820 map.
 *
 * <pre>{@code
 * BootInfo boot = LinuxBoot.into(memory, BootLayout.x86Default())
 *         .kernel(Path.of("vmlinux"))
 *         .initramfs(TinyInit.initramfs("hello"))
 *         .cmdline(KernelCmdline.parse("console=ttyS0 panic=-1"))
 *         .e820(map)
 *         .load();
 * }</pre>
 *
 * <p>{@link #load} validates the whole plan (ranges inside guest RAM, no overlaps, command line within
 * the kernel's limit, room for the initramfs) before it writes anything.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, "64-bit Boot Protocol"; {@code
 * Documentation/arch/x86/zero-page.rst}.
 *
 * <p>Not thread-safe: configure and load on one thread.
 */
public final class LinuxBoot {

    private final GuestMemory memory;
    private final BootLayout layout;
    private KernelImage kernel;
    private byte[] initramfs;
    private KernelCmdline cmdline = new KernelCmdline();
    private E820Map e820;

    private LinuxBoot(final GuestMemory memory, final BootLayout layout) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.layout = Objects.requireNonNull(layout, "layout");
    }

    /** Starts a boot into {@code memory} with the addresses of {@code layout}. */
    public static LinuxBoot into(final GuestMemory memory, final BootLayout layout) {
        return new LinuxBoot(memory, layout);
    }

    /** The kernel, already parsed. */
    public LinuxBoot kernel(final KernelImage image) {
        this.kernel = Objects.requireNonNull(image, "kernel");
        return this;
    }

    /** The kernel file's bytes, parsed now. */
    public LinuxBoot kernel(final byte[] image) {
        return kernel(KernelImage.parse(image));
    }

    /** The kernel file, read and parsed now. */
    public LinuxBoot kernel(final Path path) {
        return kernel(KernelImage.parse(path));
    }

    /** An initramfs (a cpio archive, compressed or not); the kernel unpacks it as its root. */
    public LinuxBoot initramfs(final byte[] archive) {
        if (archive.length == 0) {
            throw new BootException("initramfs is empty");
        }
        this.initramfs = archive;
        return this;
    }

    /** The initramfs file, read now. */
    public LinuxBoot initramfs(final Path path) {
        return initramfs(ImageFiles.read(path, "initramfs"));
    }

    /** The kernel command line; empty unless set. */
    public LinuxBoot cmdline(final KernelCmdline line) {
        this.cmdline = Objects.requireNonNull(line, "cmdline");
        return this;
    }

    /** The memory map the kernel sees; its RAM entries must be backed by guest memory. */
    public LinuxBoot e820(final E820Map map) {
        this.e820 = Objects.requireNonNull(map, "e820");
        return this;
    }

    /**
     * Validates the plan, then writes kernel, initramfs, command line and zero page.
     *
     * @throws BootException if anything does not fit or overlaps
     */
    public BootInfo load() {
        if (kernel == null || e820 == null) {
            throw new IllegalStateException("LinuxBoot needs a kernel and an e820 map before load()");
        }
        final byte[] line = cmdline.toBytes();
        final AddressRange zeroPage = inMemory("zero page", layout.zeroPage().value(), ZeroPageLayout.SIZE);
        final AddressRange lineRange = inMemory("command line", layout.cmdline().value(), line.length);
        final AddressRange kernelRange = kernel.footprint(layout.kernelLoad());
        requireDisjoint("command line", lineRange, "zero page", zeroPage);
        requireDisjoint("kernel", kernelRange, "zero page", zeroPage);
        requireDisjoint("kernel", kernelRange, "command line", lineRange);
        requireRamBacked();
        requireCmdlineAccepted();
        final Optional<AddressRange> ramdisk = Optional.ofNullable(initramfs).map(bytes -> InitramfsPlacement.place(
                bytes.length, e820, initramfsLimit(), List.of(kernelRange, zeroPage, lineRange), memory.size()));

        final LoadedKernel loaded = kernel.load(memory, layout.kernelLoad());
        final BootParams params = loaded.bootParams();
        memory.write(lineRange.start().value(), line);
        params.setCommandLine(lineRange.start(), cmdline.length());
        ramdisk.ifPresent(range -> {
            memory.write(range.start().value(), initramfs);
            params.setRamdisk(range);
        });
        params.setE820(e820);
        params.writeTo(memory, zeroPage.start().value());
        return new BootInfo(loaded.entryPoint(), zeroPage.start(), loaded.range(), lineRange, ramdisk);
    }

    private AddressRange inMemory(final String what, final long address, final long size) {
        final AddressRange range = AddressRange.of(address, size);
        if (!memory.contains(address, size)) {
            throw new BootException(what + " " + range + " is not inside " + Sizes.bytes(memory.size())
                    + " of guest RAM");
        }
        return range;
    }

    private static void requireDisjoint(final String what, final AddressRange range, final String otherName,
                                        final AddressRange other) {
        if (range.overlaps(other)) {
            throw new BootException(what + " " + range + " overlaps the " + otherName + " " + other);
        }
    }

    private void requireRamBacked() {
        for (final E820Entry entry : e820.ram()) {
            if (!memory.contains(entry.address(), entry.size())) {
                throw new BootException("e820 entry " + entry + " is not backed by guest memory "
                        + memory.regions().stream().map(r -> "[" + r.start() + ", " + r.end() + ")").toList());
            }
        }
    }

    private void requireCmdlineAccepted() {
        if (kernel instanceof BzImageKernel bz && cmdline.length() > bz.header().cmdlineSize()) {
            throw new BootException("command line is " + cmdline.length() + " bytes, the kernel accepts at most"
                    + " cmdline_size=" + bz.header().cmdlineSize());
        }
    }

    private long initramfsLimit() {
        final long kernelMax = switch (kernel) {
            case BzImageKernel bz -> bz.header().initrdAddrMax();
            case ElfKernel _ -> BootParams.SYNTHESIZED_INITRD_ADDR_MAX;
        };
        final long kernelLimit = kernelMax + 1;
        final long layoutLimit = layout.initramfsLimit().value();
        return Long.compareUnsigned(kernelLimit, layoutLimit) < 0 ? kernelLimit : layoutLimit;
    }
}
