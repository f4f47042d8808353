package io.crumblecracker.console;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The consumer side of a {@link ConsoleRing}: one thread that drains the ring, writes the bytes to the
 * user's {@link OutputStream}, and hands each complete line (without its line ending) to line listeners,
 * e.g. the boot-progress detector.
 *
 * <p>Threading: {@link #start()} starts the drainer thread; {@link #addLineListener} may be called from
 * any thread; listeners run on the drainer thread and must return promptly.
 */
public final class ConsolePump implements AutoCloseable {

    private static final int BATCH = 4096;
    private static final long IDLE_PARK_NANOS = 200_000;
    private static final int MAX_LINE = 16 * 1024;

    private final ConsoleRing ring;
    private final OutputStream sink;
    private final List<Consumer<String>> lineListeners = new CopyOnWriteArrayList<>();
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private volatile boolean running = true;
    private Thread thread;

    /** A pump from {@code ring} to {@code sink} (which may be {@link OutputStream#nullOutputStream()}). */
    public ConsolePump(final ConsoleRing ring, final OutputStream sink) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Registers a listener for complete console lines. */
    public void addLineListener(final Consumer<String> listener) {
        lineListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Starts the drainer thread. */
    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("crumble-console").start(this::pump);
        }
    }

    /** Drains what is left, flushes, and stops the drainer thread. */
    @Override
    public void close() {
        running = false;
        final Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ring.close();
    }

    private void pump() {
        while (true) {
            final boolean stopping = !running;
            final int drained = ring.drain(this::onByte, BATCH);
            if (drained == 0) {
                flush();
                if (stopping) {
                    flushPartialLine();
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
        }
    }

    private void onByte(final byte b) {
        try {
            sink.write(b);
        } catch (final IOException e) {
            // The user's sink failed; keep the guest running and keep feeding line listeners.
        }
        if (b == '\n') {
            emitLine();
        } else if (b != '\r') {
            if (lineLength == MAX_LINE) {
                emitLine();
            }
            line[lineLength++] = b;
        }
    }

    private void emitLine() {
        final String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        for (final Consumer<String> listener : lineListeners) {
            listener.accept(text);
        }
    }

    private void flushPartialLine() {
        if (lineLength > 0) {
            emitLine();
        }
        flush();
    }

    private void flush() {
        try {
            sink.flush();
        } catch (final IOException e) {
            // Nothing to do: the user's sink is gone.
        }
    }
}
