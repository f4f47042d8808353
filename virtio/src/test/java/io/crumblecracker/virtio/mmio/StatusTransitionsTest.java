package io.crumblecracker.virtio.mmio;

import static io.crumblecracker.virtio.device.DeviceStatus.ACKNOWLEDGE;
import static io.crumblecracker.virtio.device.DeviceStatus.DRIVER;
import static io.crumblecracker.virtio.device.DeviceStatus.DRIVER_OK;
import static io.crumblecracker.virtio.device.DeviceStatus.FAILED;
import static io.crumblecracker.virtio.device.DeviceStatus.FEATURES_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusTransitionsTest {

    private static final int NEGOTIATED = ACKNOWLEDGE | DRIVER | FEATURES_OK;

    @Test
    void shouldFollowTheInitialisationOrder() {
        assertEquals(ACKNOWLEDGE, StatusTransitions.next(0, ACKNOWLEDGE, true));
        assertEquals(ACKNOWLEDGE | DRIVER, StatusTransitions.next(ACKNOWLEDGE, ACKNOWLEDGE | DRIVER, true));
        assertEquals(NEGOTIATED, StatusTransitions.next(ACKNOWLEDGE | DRIVER, NEGOTIATED, true));
        assertEquals(NEGOTIATED | DRIVER_OK, StatusTransitions.next(NEGOTIATED, NEGOTIATED | DRIVER_OK, true));
    }

    @Test
    void shouldAcceptSeveralStepsInOneWrite() {
        assertEquals(NEGOTIATED | DRIVER_OK, StatusTransitions.next(0, NEGOTIATED | DRIVER_OK, true));
    }

    @Test
    void shouldLeaveFeaturesOkClearWhenFeaturesAreRefused() {
        assertEquals(ACKNOWLEDGE | DRIVER, StatusTransitions.next(ACKNOWLEDGE | DRIVER, NEGOTIATED, false));
    }

    @Test
    void shouldIgnoreSkippedSteps() {
        assertEquals(0, StatusTransitions.next(0, DRIVER, true));
        assertEquals(ACKNOWLEDGE, StatusTransitions.next(ACKNOWLEDGE, ACKNOWLEDGE | FEATURES_OK, true));
        assertEquals(ACKNOWLEDGE | DRIVER, StatusTransitions.next(ACKNOWLEDGE | DRIVER, ACKNOWLEDGE | DRIVER
                | DRIVER_OK, true));
        assertEquals(ACKNOWLEDGE | DRIVER, StatusTransitions.next(ACKNOWLEDGE | DRIVER, NEGOTIATED | DRIVER_OK,
                false));
    }

    @Test
    void shouldIgnoreClearingAndReservedBits() {
        assertEquals(NEGOTIATED, StatusTransitions.next(NEGOTIATED, ACKNOWLEDGE, true));
        assertEquals(ACKNOWLEDGE, StatusTransitions.next(ACKNOWLEDGE, ACKNOWLEDGE | 0x10, true));
        assertEquals(ACKNOWLEDGE, StatusTransitions.next(ACKNOWLEDGE, ACKNOWLEDGE | 0x100, true));
        assertEquals(ACKNOWLEDGE, StatusTransitions.next(ACKNOWLEDGE, -1, true));
    }

    @Test
    void shouldAcceptFailedAtAnyTime() {
        assertEquals(FAILED, StatusTransitions.next(0, FAILED, true));
        assertEquals(NEGOTIATED | FAILED, StatusTransitions.next(NEGOTIATED, NEGOTIATED | FAILED, true));
    }

    @Test
    void shouldTreatRepeatedWriteAsNoChange() {
        assertEquals(NEGOTIATED, StatusTransitions.next(NEGOTIATED, NEGOTIATED, true));
    }
}
