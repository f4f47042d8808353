package io.crumblecracker.virtio.rng;

import java.security.SecureRandom;

/**
 * The host side of the entropy device (virtio 1.2 §5.4): fills byte ranges with random bytes.
 *
 * <p>Called on the thread that processes the device's queue; may block briefly.
 */
@FunctionalInterface
public interface EntropySource {

    /** Fills {@code buffer[offset..offset+length)} with entropy. */
    void fill(byte[] buffer, int offset, int length);

    /** A source backed by one {@link SecureRandom} (the platform's default, non-blocking, algorithm). */
    static EntropySource secureRandom() {
        return new SecureRandomEntropy(new SecureRandom());
    }
}
