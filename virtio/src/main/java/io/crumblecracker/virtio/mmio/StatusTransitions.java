package io.crumblecracker.virtio.mmio;

import static io.crumblecracker.virtio.device.DeviceStatus.ACKNOWLEDGE;
import static io.crumblecracker.virtio.device.DeviceStatus.DRIVER;
import static io.crumblecracker.virtio.device.DeviceStatus.DRIVER_BITS;
import static io.crumblecracker.virtio.device.DeviceStatus.DRIVER_OK;
import static io.crumblecracker.virtio.device.DeviceStatus.FAILED;
import static io.crumblecracker.virtio.device.DeviceStatus.FEATURES_OK;

/**
 * The legal moves of the driver-written status bits (virtio 1.2 §3.1.1 driver initialisation, §2.1.1):
 * bits are only ever added (clearing is a reset, written as 0), in the order ACKNOWLEDGE, DRIVER,
 * FEATURES_OK, DRIVER_OK; FAILED may be added at any time. A pure function, so it is easy to test.
 */
final class StatusTransitions {

    private StatusTransitions() {
    }

    /**
     * The status after the driver writes {@code written} over {@code current} (both without
     * DEVICE_NEEDS_RESET, which belongs to the device).
     *
     * @param featuresAcceptable whether the driver's feature selection may be accepted; if not, FEATURES_OK
     *                           is left clear so the driver sees the refusal when it reads Status back
     * @return the new status, or {@code current} if the write is illegal and must be ignored
     */
    static int next(final int current, final int written, final boolean featuresAcceptable) {
        if ((written & ~DRIVER_BITS) != 0 || (current & ~written) != 0) {
            return current;
        }
        final int added = written & ~current;
        int status = current;
        if ((added & ACKNOWLEDGE) != 0) {
            if (status != 0) {
                return current;
            }
            status |= ACKNOWLEDGE;
        }
        if ((added & DRIVER) != 0) {
            if ((status & ACKNOWLEDGE) == 0) {
                return current;
            }
            status |= DRIVER;
        }
        if ((added & FEATURES_OK) != 0) {
            if ((status & (ACKNOWLEDGE | DRIVER)) != (ACKNOWLEDGE | DRIVER)) {
                return current;
            }
            if (featuresAcceptable) {
                status |= FEATURES_OK;
            }
        }
        if ((added & DRIVER_OK) != 0) {
            if ((status & FEATURES_OK) == 0) {
                return current;
            }
            status |= DRIVER_OK;
        }
        return status | (added & FAILED);
    }
}
