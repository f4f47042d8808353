package io.crumblecracker.console;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An output stream that keeps only its last {@code capacity} bytes (a console's or a process's recent
 * output, for error messages). Thread safe.
 */
public final class TailBuffer extends OutputStream {
    private final byte[] ring;
    private long written;

    /** Keeps the last {@code capacity} bytes. */
    public TailBuffer(final int capacity) {
        this.ring = new byte[capacity];
    }

    @Override
    public synchronized void write(final int b) {
        ring[(int) (written++ % ring.length)] = (byte) b;
    }

    @Override
    public synchronized void write(final byte[] b, final int offset, final int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (written++ % ring.length)] = b[offset + i];
        }
    }

    /** The bytes kept, oldest first, as UTF-8 text. */
    public synchronized String text() {
        final int kept = (int) Math.min(written, ring.length);
        final byte[] out = new byte[kept];
        final int start = (int) ((written - kept) % ring.length);
        for (int i = 0; i < kept; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
