package io.crumblecracker.runtime;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The serial console's output: the last {@code capacity} bytes are kept for error messages, and every byte
 * is also passed to an optional sink (the user's kernel log).
 */
final class ConsoleTail extends OutputStream {
    private final byte[] ring;
    private final OutputStream sink;
    private long written;

    ConsoleTail(final int capacity, final OutputStream sink) {
        this.ring = new byte[capacity];
        this.sink = sink;
    }

    @Override
    public synchronized void write(final int b) throws IOException {
        ring[(int) (written++ % ring.length)] = (byte) b;
        if (sink != null) {
            sink.write(b);
        }
    }

    @Override
    public synchronized void write(final byte[] b, final int off, final int len) throws IOException {
        for (int i = 0; i < len; i++) {
            ring[(int) (written++ % ring.length)] = b[off + i];
        }
        if (sink != null) {
            sink.write(b, off, len);
            sink.flush();
        }
    }

    /** The kept bytes as text, oldest first. */
    synchronized String text() {
        final int kept = (int) Math.min(written, ring.length);
        final byte[] out = new byte[kept];
        final int start = (int) ((written - kept) % ring.length);
        for (int i = 0; i < kept; i++) {
            out[i] = ring[(start + i) % ring.length];
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
