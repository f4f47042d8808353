package io.crumblecracker.runtime;

import io.crumblecracker.console.TailBuffer;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The serial console's output: the last {@code capacity} bytes are kept for error messages, and every byte
 * is also passed to an optional sink (the user's kernel log).
 */
final class ConsoleTail extends OutputStream {
    private final TailBuffer tail;
    private final OutputStream sink;

    ConsoleTail(final int capacity, final OutputStream sink) {
        this.tail = new TailBuffer(capacity);
        this.sink = sink;
    }

    @Override
    public void write(final int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(final byte[] b, final int off, final int len) throws IOException {
        tail.write(b, off, len);
        if (sink != null) {
            synchronized (sink) {
                sink.write(b, off, len);
                sink.flush();
            }
        }
    }

    /** The kept bytes as text, oldest first. */
    String text() {
        return tail.text();
    }
}
