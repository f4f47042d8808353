package io.crumblecracker.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Console bytes from several producer threads reach the sink whole, and lines reach listeners. */
@Timeout(30)
class ConsolePumpTest {

    @Test
    void shouldDeliverEveryByteFromConcurrentProducersThroughASmallRing() throws Exception {
        final ConsoleRing ring = new ConsoleRing(1024);
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        final ConsolePump pump = new ConsolePump(ring, sink);
        pump.start();
        final int perThread = 20_000;
        final Thread[] producers = new Thread[3];
        for (int t = 0; t < producers.length; t++) {
            final byte letter = (byte) ('a' + t);
            producers[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    ring.put(letter);
                }
            });
        }
        for (final Thread producer : producers) {
            producer.join();
        }
        pump.close();
        final String text = sink.toString(StandardCharsets.US_ASCII);
        assertEquals(perThread * producers.length, text.length());
        for (int t = 0; t < producers.length; t++) {
            final char letter = (char) ('a' + t);
            assertEquals(perThread, text.chars().filter(c -> c == letter).count());
        }
    }

    @Test
    void shouldHandCompleteLinesWithoutLineEndingsToListeners() {
        final ConsoleRing ring = new ConsoleRing();
        final ConsolePump pump = new ConsolePump(ring, java.io.OutputStream.nullOutputStream());
        final List<String> lines = new CopyOnWriteArrayList<>();
        pump.addLineListener(lines::add);
        pump.start();
        for (final byte b : "first line\r\nsecond\npartial".getBytes(StandardCharsets.US_ASCII)) {
            ring.put(b);
        }
        pump.close();
        assertEquals(List.of("first line", "second", "partial"), lines);
    }

    @Test
    void shouldDropInsteadOfBlockingProducersOnceClosed() {
        final ConsoleRing ring = new ConsoleRing(1024);
        ring.close();
        for (int i = 0; i < 10_000; i++) {
            ring.put((byte) 'x'); // would spin forever (and trip @Timeout) if a closed, full ring blocked
        }
        final int[] kept = new int[1];
        ring.drain(b -> kept[0]++, Integer.MAX_VALUE);
        assertTrue(kept[0] > 0 && kept[0] < 10_000, "kept " + kept[0] + " of 10000 bytes in a 1 KiB ring");
    }
}
