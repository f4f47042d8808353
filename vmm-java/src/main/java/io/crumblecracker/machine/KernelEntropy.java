package io.crumblecracker.machine;

import io.crumblecracker.kvm.sys.GetRandom;
import io.crumblecracker.virtio.rng.EntropySource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Entropy for the guest's virtio-rng from the host kernel's CSPRNG ({@code getrandom(2)}), through one
 * reused native buffer: unlike the JDK's default {@code SecureRandom}, which allocates on every call,
 * serving a request allocates nothing.
 *
 * <p>Thread safety: serialised on this object.
 */
public final class KernelEntropy implements EntropySource {

    private static final int CHUNK = 4096;

    private final MemorySegment chunk = Arena.ofAuto().allocate(CHUNK);

    @Override
    public synchronized void fill(final byte[] buffer, final int offset, final int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        int done = 0;
        while (done < length) {
            final int step = Math.min(CHUNK, length - done);
            final MemorySegment part = chunk.asSlice(0, step);
            GetRandom.fill(part);
            MemorySegment.copy(part, ValueLayout.JAVA_BYTE, 0, buffer, offset + done, step);
            done += step;
        }
    }
}
