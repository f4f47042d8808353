package io.crumblecracker.virtio.device;

/** Virtio device IDs (virtio 1.2 §5 "Device Types"), as the transport reports them to the driver. */
public enum DeviceType {
    /** Network card (§5.1). */
    NET(1),
    /** Block device (§5.2). */
    BLOCK(2),
    /** Console (§5.3). */
    CONSOLE(3),
    /** Entropy source (§5.4). */
    RNG(4),
    /** Socket device (§5.10). */
    VSOCK(19),
    /** File system device (§5.11). */
    FS(26);

    private final int id;

    DeviceType(final int id) {
        this.id = id;
    }

    /** The device ID the spec assigns. */
    public int id() {
        return id;
    }
}
