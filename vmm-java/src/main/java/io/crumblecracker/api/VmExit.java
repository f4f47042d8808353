package io.crumblecracker.api;

/**
 * How a VM ended.
 *
 * @param reason     why: {@link Reason}
 * @param detail     the engine's own description (exit code, reset, panic)
 * @param consoleTail the last part of the serial console (kernel messages, agent errors)
 */
public record VmExit(Reason reason, String detail, String consoleTail) {

    /** Why a VM ended. */
    public enum Reason {
        /** {@link Vm#close()} shut it down. */
        CLOSED,
        /** Its lifetime ({@link Options#timeout}) expired and it was killed. */
        TIMEOUT,
        /** The guest stopped on its own (its init ended, it rebooted, it crashed). */
        GUEST,
        /** It never became ready (boot failed or took too long). */
        BOOT_FAILED
    }
}
