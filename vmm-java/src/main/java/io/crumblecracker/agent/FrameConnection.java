package io.crumblecracker.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Frames over one {@link AgentChannel} (docs/agent-protocol.md, "Framing"): whole frames are sent under a
 * lock, so several threads may send; one thread receives. Received lengths and the reserved field are
 * checked before any body byte is read, so a hostile peer cannot make the host allocate more than
 * {@link Wire#MAX_BODY}.
 */
public final class FrameConnection implements AutoCloseable {
    private static final int STREAM_BUFFER = 64 * 1024;

    private final AgentChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final byte[] header = new byte[Wire.HEADER_BYTES];
    private final ByteBuffer headerView = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    private final byte[] sendHeader = new byte[Wire.HEADER_BYTES];
    private final ByteBuffer sendHeaderView = ByteBuffer.wrap(sendHeader).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] body = new byte[4096];

    /** Frames over {@code channel}, which this connection now owns. */
    public FrameConnection(final AgentChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(channel.input(), STREAM_BUFFER);
        this.out = new BufferedOutputStream(channel.output(), STREAM_BUFFER);
    }

    /** Sends a frame with the body built in {@code body} and flushes it. */
    public void send(final int type, final BodyWriter body) throws IOException {
        sendLock.lock();
        try {
            writeFrame(type, body.array(), 0, body.length());
            out.flush();
        } finally {
            sendLock.unlock();
        }
    }

    /** Writes a frame without flushing: it leaves with the next {@link #send}. */
    public void queue(final int type, final BodyWriter body) throws IOException {
        sendLock.lock();
        try {
            writeFrame(type, body.array(), 0, body.length());
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends a frame with an empty body. */
    public void send(final int type) throws IOException {
        sendLock.lock();
        try {
            writeFrame(type, body, 0, 0);
            out.flush();
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends a frame whose body is {@code prefix} then {@code length} bytes of {@code data}. */
    public void send(final int type, final BodyWriter prefix, final byte[] data, final int offset, final int length)
            throws IOException {
        sendLock.lock();
        try {
            final int total = prefix.length() + length;
            if (total > Wire.MAX_BODY) {
                throw new IllegalArgumentException("frame body of " + total + " bytes exceeds " + Wire.MAX_BODY);
            }
            putHeader(total, type);
            out.write(sendHeader);
            out.write(prefix.array(), 0, prefix.length());
            out.write(data, offset, length);
            out.flush();
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Receives the next frame.
     *
     * @throws EOFException       if the agent closed the connection between frames
     * @throws ProtocolException  if the header is invalid or the stream ends inside a frame
     */
    public Frame receive() throws IOException {
        if (!readFully(header, 0, Wire.HEADER_BYTES, true)) {
            throw new EOFException("the agent closed the connection");
        }
        final int length = headerView.getInt(0);
        final int type = headerView.getShort(4) & 0xFFFF;
        final int reserved = headerView.getShort(6) & 0xFFFF;
        if (length < 0 || length > Wire.MAX_BODY) {
            throw new ProtocolException(FrameType.name(type) + ": body length " + Integer.toUnsignedString(length)
                    + " exceeds " + Wire.MAX_BODY);
        }
        if (reserved != 0) {
            throw new ProtocolException(FrameType.name(type) + ": reserved header field is " + reserved);
        }
        if (body.length < length) {
            body = new byte[Math.max(length, Math.min(Wire.MAX_BODY, body.length * 2))];
        }
        readFully(body, 0, length, false);
        return new Frame(type, new BodyReader(type, ByteBuffer.wrap(body, 0, length)));
    }

    /** Closes the channel; a thread blocked in {@link #receive()} fails. Idempotent. */
    @Override
    public void close() {
        channel.close();
    }

    private void writeFrame(final int type, final byte[] data, final int offset, final int length) throws IOException {
        putHeader(length, type);
        out.write(sendHeader);
        out.write(data, offset, length);
    }

    private void putHeader(final int length, final int type) {
        sendHeaderView.putInt(0, length).putShort(4, (short) type).putShort(6, (short) 0);
    }

    private boolean readFully(final byte[] into, final int offset, final int length, final boolean eofAllowed)
            throws IOException {
        int done = 0;
        while (done < length) {
            final int n = in.read(into, offset + done, length - done);
            if (n < 0) {
                if (done == 0 && eofAllowed) {
                    return false;
                }
                throw new ProtocolException("the connection ended inside a frame (" + done + " of " + length
                        + " bytes)");
            }
            done += n;
        }
        return true;
    }
}
