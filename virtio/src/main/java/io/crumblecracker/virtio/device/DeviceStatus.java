package io.crumblecracker.virtio.device;

/**
 * Bits of the device status field (virtio 1.2 §2.1) and the order the driver sets them in (§3.1.1):
 * ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK. Writing 0 resets the device.
 */
public final class DeviceStatus {

    /** The guest OS has noticed the device. */
    public static final int ACKNOWLEDGE = 1;
    /** The guest OS knows how to drive the device. */
    public static final int DRIVER = 2;
    /** The driver is set up and ready to drive the device. */
    public static final int DRIVER_OK = 4;
    /** The driver has acknowledged the features it understands; negotiation is complete. */
    public static final int FEATURES_OK = 8;
    /** Set by the device: it hit an error it cannot recover from without a reset. */
    public static final int DEVICE_NEEDS_RESET = 64;
    /** Set by the driver: something went wrong and it gave up on the device. */
    public static final int FAILED = 128;

    /** Every bit a driver may write. */
    public static final int DRIVER_BITS = ACKNOWLEDGE | DRIVER | DRIVER_OK | FEATURES_OK | FAILED;

    private DeviceStatus() {
    }

    /** True if every bit of {@code bits} is set in {@code status}. */
    public static boolean has(final int status, final int bits) {
        return (status & bits) == bits;
    }

    /** Renders {@code status} as its bit names, for logs. */
    public static String toString(final int status) {
        final StringBuilder out = new StringBuilder("[");
        append(out, status, ACKNOWLEDGE, "ACKNOWLEDGE");
        append(out, status, DRIVER, "DRIVER");
        append(out, status, FEATURES_OK, "FEATURES_OK");
        append(out, status, DRIVER_OK, "DRIVER_OK");
        append(out, status, DEVICE_NEEDS_RESET, "DEVICE_NEEDS_RESET");
        append(out, status, FAILED, "FAILED");
        return out.append(']').toString();
    }

    private static void append(final StringBuilder out, final int status, final int bit, final String name) {
        if ((status & bit) != 0) {
            out.append(out.length() > 1 ? "|" : "").append(name);
        }
    }
}
