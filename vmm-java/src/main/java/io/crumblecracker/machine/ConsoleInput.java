package io.crumblecracker.machine;

import io.crumblecracker.legacy.Serial8250;
import java.io.IOException;
import java.io.InputStream;

/**
 * Feeds a caller-supplied input stream into the UART's receive FIFO on a daemon thread, waiting while
 * the FIFO is full. Ends at end of stream or on a read error.
 */
final class ConsoleInput {

    private static final long FULL_WAIT_MILLIS = 2;

    private ConsoleInput() {
    }

    static void start(final InputStream in, final Serial8250 serial) {
        if (in == null) {
            return;
        }
        Thread.ofPlatform().daemon().name("crumble-console-in").start(() -> pump(in, serial));
    }

    private static void pump(final InputStream in, final Serial8250 serial) {
        final byte[] buffer = new byte[256];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int sent = 0;
                while (sent < n) {
                    final int accepted = serial.enqueueInput(buffer, sent, n - sent);
                    sent += accepted;
                    if (accepted == 0) {
                        Thread.sleep(FULL_WAIT_MILLIS);
                    }
                }
            }
        } catch (final IOException e) {
            // The caller's input ended badly; the guest simply gets no more input.
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
