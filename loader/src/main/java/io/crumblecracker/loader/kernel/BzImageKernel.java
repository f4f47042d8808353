package io.crumblecracker.loader.kernel;

import io.crumblecracker.loader.boot.AddressRange;
import io.crumblecracker.loader.boot.BootException;
import io.crumblecracker.loader.boot.BootParams;
import io.crumblecracker.loader.boot.Sizes;
import io.crumblecracker.loader.boot.ZeroPageLayout;
import io.crumblecracker.memory.GuestAddress;
import io.crumblecracker.memory.GuestMemory;

/**
 * A compressed x86 kernel ({@code bzImage}) booted through its 64-bit entry point.
 *
 * <p>The file is a boot sector, {@code setup_sects} real-mode setup sectors and then the protected-mode
 * kernel, which the loader copies to the load address; the kernel decompresses itself and enters at
 * load address + 0x200. The real-mode part is not run: only its setup header goes into the zero page.
 *
 * <p>Load address: a relocatable kernel goes where the caller asks, which must be a multiple of
 * {@code kernel_alignment}; a non-relocatable one always goes to its {@code pref_address}. The kernel
 * then decompresses to the higher of its load address and {@code pref_address} and needs {@code
 * init_size} bytes from there, so that whole span is its {@linkplain #footprint footprint}.
 *
 * <p>Spec: {@code Documentation/arch/x86/boot.rst}, "Loading the Rest of the Kernel", "64-bit Boot
 * Protocol" and the fields {@code kernel_alignment}, {@code pref_address}, {@code init_size}.
 */
public final class BzImageKernel implements KernelImage {

    /** Offset of the 64-bit entry point ({@code startup_64}) from the load address. */
    public static final long ENTRY_64_OFFSET = 0x200;

    private static final long FOUR_GIB = 1L << 32;

    private final byte[] bytes;
    private final String source;
    private final SetupHeader header;
    private final byte[] rawHeader;

    private BzImageKernel(final ImageReader image, final SetupHeader header) {
        this.bytes = image.array();
        this.source = image.source();
        this.header = header;
        this.rawHeader = image.copy(ZeroPageLayout.SETUP_HEADER, header.headerEnd() - ZeroPageLayout.SETUP_HEADER,
                "setup header");
    }

    /** The validated setup header. */
    public SetupHeader header() {
        return header;
    }

    /** Size in bytes of the protected-mode kernel copied to the load address. */
    public long payloadSize() {
        return bytes.length - header.kernelOffset();
    }

    /**
     * Where the kernel goes when the caller asks for {@code requested}.
     *
     * @throws BootException if the kernel is relocatable and {@code requested} is not aligned
     */
    public GuestAddress loadAddress(final GuestAddress requested) {
        if (!header.relocatable()) {
            return GuestAddress.of(header.prefAddress());
        }
        if (!requested.isAligned(header.kernelAlignment())) {
            throw new BootException(source + " must be loaded at a multiple of kernel_alignment="
                    + Sizes.hex(header.kernelAlignment()) + ", not at load address=" + requested);
        }
        return requested;
    }

    @Override
    public AddressRange footprint(final GuestAddress requested) {
        final long load = loadAddress(requested).value();
        final long decompressAt = Math.max(load, header.prefAddress());
        final long needed = Math.max(header.initSize(), payloadSize());
        final AddressRange tail = AddressRange.of(decompressAt, needed);
        return new AddressRange(GuestAddress.of(load), tail.end());
    }

    @Override
    public LoadedKernel load(final GuestMemory memory, final GuestAddress requested) {
        final GuestAddress load = loadAddress(requested);
        final AddressRange range = footprint(requested);
        if (!memory.contains(load.value(), range.size())) {
            throw new BootException(source + " needs " + range + " (init_size=" + Sizes.bytes(header.initSize())
                    + " from load address=" + load + "), which does not fit in " + Sizes.bytes(memory.size())
                    + " of guest RAM");
        }
        if (range.end().value() > FOUR_GIB
                && (header.xloadflags() & ZeroPageLayout.XLF_CAN_BE_LOADED_ABOVE_4G) == 0) {
            throw new BootException(source + " would occupy " + range + " above 4 GiB but does not declare"
                    + " XLF_CAN_BE_LOADED_ABOVE_4G");
        }
        memory.write(load.value(), bytes, (int) header.kernelOffset(), (int) payloadSize());
        final BootParams params = BootParams.fromSetupHeader(rawHeader);
        if (load.value() < FOUR_GIB) {
            params.setCode32Start(load);
        }
        return new LoadedKernel(load.plus(ENTRY_64_OFFSET), range, params);
    }

    static BzImageKernel parse(final ImageReader image) {
        final SetupHeader header = SetupHeader.read(image);
        final long offset = header.kernelOffset();
        if (offset >= image.length()) {
            throw new BootException(image.source() + " is truncated: setup_sects=" + header.setupSects()
                    + " puts the protected-mode kernel at offset=" + Sizes.hex(offset) + ", past the end of the "
                    + image.length() + "-byte file");
        }
        final long payload = image.length() - offset;
        if (header.syssize() > payload + 15) {
            throw new BootException(image.source() + " is truncated: syssize declares "
                    + Sizes.bytes(header.syssize()) + " of protected-mode kernel but the file holds "
                    + Sizes.bytes(payload));
        }
        return new BzImageKernel(image, header);
    }
}
