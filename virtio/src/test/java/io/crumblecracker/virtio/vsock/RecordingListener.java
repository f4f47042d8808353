package io.crumblecracker.virtio.vsock;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A {@link VsockListener} that records its events, for tests. */
final class RecordingListener implements VsockListener {

    final List<String> events = new ArrayList<>();
    VsockConnection connection;

    @Override
    public void onConnected(final VsockConnection c) {
        connection = c;
        events.add("connected");
    }

    @Override
    public void onReadable(final VsockConnection c) {
        events.add("readable");
    }

    @Override
    public void onWritable(final VsockConnection c) {
        events.add("writable");
    }

    @Override
    public void onShutdown(final VsockConnection c, final int flags) {
        events.add("shutdown " + flags);
    }

    @Override
    public void onClosed(final VsockConnection c) {
        events.add("closed");
    }

    /** Reads everything the connection holds, as text; "EOF" at end of stream. */
    String read() {
        final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        final int n = connection.read(buffer);
        return n < 0 ? "EOF" : new String(buffer.array(), 0, n, StandardCharsets.US_ASCII);
    }

    /** Writes {@code text}; returns the bytes taken. */
    int write(final String text) {
        return connection.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
