package io.crumblecracker.virtio.mmio;

/**
 * Renders the Linux kernel parameter that announces a virtio-mmio device to a guest without a device tree
 * or ACPI ({@code CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES}, Documentation/admin-guide/kernel-parameters.txt):
 * {@code virtio_mmio.device=<size>@<baseaddr>:<irq>}, for example {@code virtio_mmio.device=4K@0xd0000000:5}.
 */
public final class MmioCmdline {

    private MmioCmdline() {
    }

    /**
     * The parameter for a device window of {@code size} bytes at guest address {@code base} on {@code irq}.
     *
     * @param size the window size in bytes, positive (rendered with a K, M or G suffix when exact)
     * @param base the window's guest physical address (unsigned)
     * @param irq  the interrupt line, positive
     */
    public static String deviceParameter(final long size, final long base, final int irq) {
        if (size <= 0) {
            throw new IllegalArgumentException("size=" + size + " must be positive");
        }
        if (irq <= 0) {
            throw new IllegalArgumentException("irq=" + irq + " must be positive");
        }
        if (Long.compareUnsigned(base + size - 1, base) < 0) {
            throw new IllegalArgumentException("base=0x" + Long.toHexString(base) + " size=" + size + " wraps");
        }
        return "virtio_mmio.device=" + memparse(size) + "@0x" + Long.toHexString(base) + ":" + irq;
    }

    private static String memparse(final long size) {
        final String[] suffixes = {"G", "M", "K"};
        for (int i = 0; i < suffixes.length; i++) {
            final long unit = 1L << (10 * (suffixes.length - i));
            if (size % unit == 0) {
                return (size / unit) + suffixes[i];
            }
        }
        return Long.toString(size);
    }
}
