package io.crumblecracker.engine.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies one of QEMU's output streams to a destination on its own daemon thread until end of stream, so
 * QEMU never blocks on a full pipe. A destination that fails is reported once and then skipped, but the
 * stream is still drained. {@link io.crumblecracker.console.TailBuffer} keeps the last bytes of a stream for error messages.
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
}
