package io.crumblecracker.vhost;

import io.crumblecracker.kvm.sys.UnixSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/** An in-memory {@link MessageChannel}: delivers scripted chunks (with descriptors), then end of stream. */
final class ScriptedChannel implements MessageChannel {

    private record Chunk(byte[] bytes, int[] fds, boolean truncated) {
    }

    private final Deque<Chunk> chunks = new ArrayDeque<>();
    private final List<byte[]> sent = new ArrayList<>();
    private int position;
    private boolean fdsDelivered;

    /** Queues {@code bytes}, delivered over as many reads as the reader asks for; fds come with the first. */
    ScriptedChannel add(final byte[] bytes, final int... fds) {
        chunks.add(new Chunk(bytes, fds, false));
        return this;
    }

    /** Queues a chunk whose control data the kernel reported truncated. */
    ScriptedChannel addTruncated(final byte[] bytes, final int... fds) {
        chunks.add(new Chunk(bytes, fds, true));
        return this;
    }

    List<byte[]> sent() {
        return sent;
    }

    @Override
    public UnixSocket.Received receive(final byte[] dst, final int offset, final int length) {
        final Chunk chunk = chunks.peek();
        if (chunk == null) {
            return new UnixSocket.Received(0, new int[0], false);
        }
        final int n = Math.min(length, chunk.bytes().length - position);
        System.arraycopy(chunk.bytes(), position, dst, offset, n);
        final int[] fds = fdsDelivered ? new int[0] : Arrays.copyOf(chunk.fds(), chunk.fds().length);
        final boolean truncated = !fdsDelivered && chunk.truncated();
        fdsDelivered = true;
        position += n;
        if (position == chunk.bytes().length) {
            chunks.poll();
            position = 0;
            fdsDelivered = false;
        }
        return new UnixSocket.Received(n, fds, truncated);
    }

    @Override
    public void send(final byte[] bytes) {
        sent.add(bytes.clone());
    }

    @Override
    public void shutdown() {
        chunks.clear();
    }

    @Override
    public void close() {
        chunks.clear();
    }
}
