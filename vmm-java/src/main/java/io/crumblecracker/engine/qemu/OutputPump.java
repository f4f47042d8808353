package io.crumblecracker.engine.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Copies one of QEMU's output streams to a destination on its own daemon thread until end of stream, so
 * QEMU never blocks on a full pipe. A destination that fails is reported once and then skipped, but the
 * stream is still drained. {@link Tail} keeps the last bytes of a stream for error messages.
 */
final class OutputPump {

    private static final System.Logger LOG = System.getLogger(OutputPump.class.getName());

    private OutputPump() {
    }

    /** Starts copying {@code in} to {@code out}; returns the thread. */
    static Thread start(final String name, final InputStream in, final OutputStream out) {
        return Thread.ofPlatform().daemon().name(name).start(() -> copy(name, in, out));
    }

    private static void copy(final String name, final InputStream in, final OutputStream out) {
        final byte[] buffer = new byte[8192];
        boolean sinkBroken = false;
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (sinkBroken) {
                    continue;
                }
                try {
                    out.write(buffer, 0, n);
                    out.flush();
                } catch (final IOException | RuntimeException e) {
                    sinkBroken = true;
                    LOG.log(System.Logger.Level.WARNING, "{0}: destination failed, discarding the rest: {1}", name, e);
                }
            }
        } catch (final IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: stream ended: {1}", name, e);
        }
    }

    /** An output stream that keeps only its last {@code capacity} bytes. Thread safe. */
    static final class Tail extends OutputStream {

        private final byte[] ring;
        private long written;

        Tail(final int capacity) {
            this.ring = new byte[capacity];
        }

        @Override
        public synchronized void write(final int b) {
            ring[(int) (written++ % ring.length)] = (byte) b;
        }

        @Override
        public synchronized void write(final byte[] b, final int offset, final int length) {
            for (int i = 0; i < length; i++) {
                write(b[offset + i]);
            }
        }

        /** The bytes kept, oldest first, as UTF-8 text. */
        synchronized String text() {
            final int kept = (int) Math.min(written, ring.length);
            final byte[] out = new byte[kept];
            final int start = (int) ((written - kept) % ring.length);
            for (int i = 0; i < kept; i++) {
                out[i] = ring[(start + i) % ring.length];
            }
            return new String(Arrays.copyOf(out, kept), StandardCharsets.UTF_8);
        }
    }
}
