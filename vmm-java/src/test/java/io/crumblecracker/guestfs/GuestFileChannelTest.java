package io.crumblecracker.guestfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** {@link GuestFileChannel} through {@code Files.newByteChannel} and {@code FileChannel.open}. */
class GuestFileChannelTest extends GuestFileSystemFixture {
    private static final int FIVE_MB = 5 << 20;

    @Test
    void shouldReadAndWriteFiveMegabytesAtRandomPositions() throws IOException {
        final Random random = new Random(42);
        final byte[] model = new byte[FIVE_MB];
        random.nextBytes(model);
        try (FileChannel channel = FileChannel.open(path("/random.bin"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals(FIVE_MB, channel.write(ByteBuffer.wrap(model)));
            assertEquals(FIVE_MB, channel.position());
            assertEquals(FIVE_MB, channel.size());
            assertTrue(host.largestTransfer() <= GuestFileChannel.CHUNK, "largest call " + host.largestTransfer());
            for (int i = 0; i < 200; i++) {
                final int at = random.nextInt(FIVE_MB);
                final int length = Math.min(FIVE_MB - at, random.nextInt(600 * 1024) + 1);
                if (random.nextBoolean()) {
                    final byte[] patch = new byte[length];
                    random.nextBytes(patch);
                    System.arraycopy(patch, 0, model, at, length);
                    if (random.nextBoolean()) {
                        channel.position(at);
                        assertEquals(length, channel.write(ByteBuffer.wrap(patch)));
                        assertEquals(at + length, channel.position());
                    } else {
                        final long before = channel.position();
                        assertEquals(length, channel.write(ByteBuffer.wrap(patch), at));
                        assertEquals(before, channel.position(), "a positional write keeps the position");
                    }
                } else {
                    final ByteBuffer window = random.nextBoolean() ? ByteBuffer.allocate(length)
                            : ByteBuffer.allocateDirect(length);
                    if (random.nextBoolean()) {
                        channel.position(at);
                        readFully(channel, window);
                        assertEquals(at + length, channel.position());
                    } else {
                        final long before = channel.position();
                        assertEquals(length, channel.read(window, at));
                        assertEquals(before, channel.position(), "a positional read keeps the position");
                    }
                    window.flip();
                    final byte[] read = new byte[length];
                    window.get(read);
                    assertArrayEquals(Arrays.copyOfRange(model, at, at + length), read, "at " + at);
                }
            }
            assertEquals(FIVE_MB, channel.size());
        }
        assertArrayEquals(model, Files.readAllBytes(onHost("/random.bin")));
        assertTrue(host.largestTransfer() <= GuestFileChannel.CHUNK, "largest call " + host.largestTransfer());
    }

    @Test
    void shouldScatterAndGather() throws IOException {
        try (FileChannel channel = FileChannel.open(path("/sg"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            final byte[] big = new byte[GuestFileChannel.CHUNK + 7];
            Arrays.fill(big, (byte) 'x');
            final ByteBuffer[] sources = {ByteBuffer.wrap("ab".getBytes()), ByteBuffer.allocate(0), ByteBuffer.wrap(big),
                ByteBuffer.wrap("yz".getBytes())};
            assertEquals(4 + big.length, channel.write(sources, 0, 4));
            assertEquals(4 + big.length, channel.position());
            assertEquals(2, channel.write(new ByteBuffer[] {ByteBuffer.wrap("!!".getBytes()), ByteBuffer.wrap("no".getBytes())}, 0, 1));
            channel.position(0);
            final ByteBuffer first = ByteBuffer.allocate(2);
            final ByteBuffer middle = ByteBuffer.allocate(big.length);
            final ByteBuffer rest = ByteBuffer.allocate(100);
            assertEquals(4 + big.length + 2, channel.read(new ByteBuffer[] {first, middle, rest}));
            assertEquals("ab", new String(first.array()));
            assertArrayEquals(big, middle.array());
            assertEquals("yz!!", new String(rest.array(), 0, rest.position()));
            assertEquals(-1, channel.read(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(IndexOutOfBoundsException.class, () -> channel.read(new ByteBuffer[1], 1, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> channel.write(new ByteBuffer[1], -1, 1));
        }
    }

    @Test
    void shouldReadEndOfFileAndWriteHoles() throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(path("/holes"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
            assertEquals(0, channel.read(ByteBuffer.allocate(0)));
            channel.position(10);
            assertEquals(10, channel.position());
            assertEquals(0, channel.size());
            channel.write(ByteBuffer.wrap("end".getBytes()));
            assertEquals(13, channel.size());
            channel.position(100);
            assertEquals(-1, channel.read(ByteBuffer.allocate(1)));
            assertThrows(IllegalArgumentException.class, () -> channel.position(-1));
        }
        final byte[] expected = new byte[13];
        System.arraycopy("end".getBytes(), 0, expected, 10, 3);
        assertArrayEquals(expected, Files.readAllBytes(onHost("/holes")));
    }

    @Test
    void shouldTruncate() throws IOException {
        Files.writeString(path("/t"), "0123456789");
        try (FileChannel channel = FileChannel.open(path("/t"), StandardOpenOption.WRITE)) {
            channel.position(8);
            channel.truncate(20);
            assertEquals(10, channel.size(), "a larger size leaves the file alone");
            assertEquals(8, channel.position());
            channel.truncate(4);
            assertEquals(4, channel.size());
            assertEquals(4, channel.position(), "the position follows the new size");
            channel.truncate(4);
            assertThrows(IllegalArgumentException.class, () -> channel.truncate(-1));
            channel.force(true);
            channel.force(false);
        }
        assertEquals("0123", Files.readString(onHost("/t")));
        try (FileChannel channel = FileChannel.open(path("/t"))) {
            assertThrows(NonWritableChannelException.class, () -> channel.truncate(0));
        }
    }

    @Test
    void shouldTransferBothWays() throws IOException {
        final byte[] data = new byte[GuestFileChannel.CHUNK * 2 + 99];
        new Random(3).nextBytes(data);
        try (FileChannel channel = FileChannel.open(path("/tx"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertEquals(data.length, channel.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), 0,
                    Long.MAX_VALUE));
            assertEquals(0, channel.position(), "transfers keep the position");
            assertEquals(0, channel.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), data.length + 1, 10));
            final ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (WritableByteChannel target = Channels.newChannel(sink)) {
                assertEquals(data.length - 5, channel.transferTo(5, Long.MAX_VALUE, target));
                assertEquals(0, channel.transferTo(data.length + 5, 10, target));
            }
            assertArrayEquals(Arrays.copyOfRange(data, 5, data.length), sink.toByteArray());
            try (FileChannel copy = FileChannel.open(path("/tx-copy"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                assertEquals(1000, channel.transferTo(0, 1000, copy));
                assertEquals(1000, copy.position());
            }
            assertThrows(IllegalArgumentException.class, () -> channel.transferTo(-1, 1, Channels.newChannel(sink)));
        }
        assertArrayEquals(data, Files.readAllBytes(onHost("/tx")));
        assertArrayEquals(Arrays.copyOf(data, 1000), Files.readAllBytes(onHost("/tx-copy")));
    }

    @Test
    void shouldRefuseToMapOrLock() throws IOException {
        try (FileChannel channel = FileChannel.open(path("/m"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            final UnsupportedOperationException map = assertThrows(UnsupportedOperationException.class,
                    () -> channel.map(FileChannel.MapMode.READ_ONLY, 0, 1));
            assertTrue(map.getMessage().contains("memory-mapping"), map.getMessage());
            assertThrows(UnsupportedOperationException.class, channel::lock);
            assertThrows(UnsupportedOperationException.class, channel::tryLock);
            assertThrows(UnsupportedOperationException.class, () -> channel.lock(0, 1, true));
        }
    }

    @Test
    void shouldRefuseEverythingOnceClosed() throws IOException {
        final FileChannel channel = FileChannel.open(path("/c"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        channel.close();
        channel.close();
        assertFalse(channel.isOpen());
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> channel.read(ByteBuffer.allocate(1), 0));
        assertThrows(ClosedChannelException.class, () -> channel.write(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, channel::position);
        assertThrows(ClosedChannelException.class, () -> channel.position(3));
        assertThrows(ClosedChannelException.class, channel::size);
        assertThrows(ClosedChannelException.class, () -> channel.force(true));
        assertEquals(0, host.openHandles());
    }

    @Test
    void shouldKeepReadingAndWritingApart() throws IOException {
        Files.writeString(path("/rw"), "abc");
        try (FileChannel reader = FileChannel.open(path("/rw"))) {
            assertThrows(NonWritableChannelException.class, () -> reader.write(ByteBuffer.allocate(1)));
            assertThrows(NonWritableChannelException.class, () -> reader.write(ByteBuffer.allocate(1), 0));
            assertThrows(IllegalArgumentException.class, () -> reader.read(ByteBuffer.allocate(1).asReadOnlyBuffer()));
        }
        try (FileChannel writer = FileChannel.open(path("/rw"), StandardOpenOption.WRITE)) {
            assertThrows(NonReadableChannelException.class, () -> writer.read(ByteBuffer.allocate(1)));
            assertThrows(NonReadableChannelException.class, () -> writer.read(ByteBuffer.allocate(1), 0));
            writer.write(ByteBuffer.wrap("x".getBytes()).asReadOnlyBuffer());
        }
        assertEquals("xbc", Files.readString(onHost("/rw")));
    }

    @Test
    void shouldCloseOnInterruptUnlessItBacksAStream() throws Exception {
        Files.writeString(path("/i"), "interrupted");
        final FileChannel channel = FileChannel.open(path("/i"));
        final InputStream stream = Files.newInputStream(path("/i"));
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        final Thread thread = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            try {
                final String read = new String(stream.readAllBytes());
                try {
                    channel.read(ByteBuffer.allocate(4));
                    outcome.complete("channel read despite the interrupt");
                } catch (final ClosedByInterruptException e) {
                    outcome.complete(read);
                }
            } catch (final IOException | RuntimeException e) {
                outcome.completeExceptionally(e);
            }
        });
        thread.join();
        assertEquals("interrupted", outcome.get());
        assertFalse(channel.isOpen());
        stream.close();
    }

    @Test
    void shouldServeConcurrentPositionalWrites() throws Exception {
        final int threads = 8;
        final int block = 100_000;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (FileChannel channel = FileChannel.open(path("/par"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            final List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int n = t;
                writes.add(CompletableFuture.runAsync(() -> {
                    final byte[] bytes = new byte[block];
                    Arrays.fill(bytes, (byte) n);
                    try {
                        channel.write(ByteBuffer.wrap(bytes), (long) n * block);
                    } catch (final IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
            assertEquals((long) threads * block, channel.size());
        } finally {
            pool.shutdown();
        }
        final byte[] all = Files.readAllBytes(onHost("/par"));
        for (int i = 0; i < all.length; i++) {
            assertEquals(i / block, all[i], "byte " + i);
        }
    }

    private static void readFully(final FileChannel channel, final ByteBuffer window) throws IOException {
        while (window.hasRemaining()) {
            if (channel.read(window) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
