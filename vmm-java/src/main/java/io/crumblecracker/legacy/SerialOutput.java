package io.crumblecracker.legacy;

/**
 * Where the bytes a guest transmits through a {@link Serial8250} go.
 *
 * <p>Called on the vCPU thread that wrote the transmit register, once per byte, in order; it must not
 * allocate and should not block for long, as the guest waits meanwhile.
 */
@FunctionalInterface
public interface SerialOutput {

    /** Takes one transmitted byte. */
    void write(byte b);
}
