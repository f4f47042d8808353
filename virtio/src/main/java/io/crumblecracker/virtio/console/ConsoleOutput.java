package io.crumblecracker.virtio.console;

/**
 * The host side of the console device: where the guest's output goes, and how the host learns that input
 * it could not push before has room again.
 *
 * <p>Called under the device's lock on the thread that processes the device's queues; must not block for
 * long and must not call back into the device from {@link #write}.
 */
@FunctionalInterface
public interface ConsoleOutput {

    /**
     * Takes bytes the guest wrote to the console: {@code buffer[offset..offset+length)}. The array is the
     * device's and is reused: copy what must outlive the call.
     */
    void write(byte[] buffer, int offset, int length);

    /**
     * Told that the guest took buffered input after {@link ConsoleDevice#input} refused bytes, so the host
     * may push again. The default does nothing.
     */
    default void onInputSpace() {
    }
}
