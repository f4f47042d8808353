package io.crumblecracker.agent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An agent's side of one connection played from bytes: a valid HELLO, then whatever the test (or the
 * fuzzer) supplies. What the host sends is discarded. For exercising the host's parsers with hostile input.
 */
final class ScriptedAgent implements AgentTransport {
    private final byte[] script;

    ScriptedAgent(final byte[] afterHello) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] description = "scripted".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final ByteBuffer hello = ByteBuffer.allocate(8 + 12 + description.length).order(ByteOrder.LITTLE_ENDIAN);
        hello.putInt(12 + description.length).putShort((short) FrameType.HELLO).putShort((short) 0);
        hello.putInt(Wire.MAGIC).putShort((short) Wire.VERSION).putShort((short) 0).putInt(description.length)
                .put(description);
        out.writeBytes(hello.array());
        out.writeBytes(afterHello);
        this.script = out.toByteArray();
    }

    /** A frame with {@code body}, for building scripts. */
    static byte[] frame(final int type, final byte[] body) {
        return ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN).putInt(body.length)
                .putShort((short) type).putShort((short) 0).put(body).array();
    }

    @Override
    public AgentChannel open() {
        final InputStream in = new ByteArrayInputStream(script);
        return new AgentChannel() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public void close() {
            }
        };
    }
}
