package io.crumblecracker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host side of the agent protocol against hostile agents: whatever bytes follow the handshake, every
 * call ends with a result or an {@link IOException} (never another exception, a hang, or an allocation
 * beyond the frame limit), and a process session always ends. {@code JAZZER_FUZZ=1} fuzzes.
 */
class AgentReplyFuzzTest {
    private static final ExecRequest ECHO = new ExecRequest(List.of("echo"), List.of(), "", "", false, true, false,
            0, 0);

    @FuzzTest(maxDuration = "60s")
    void fuzzReplies(final FuzzedDataProvider data) {
        exercise(data.consumeInt(0, 7), data.consumeRemainingAsBytes());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void shouldSurviveRandomReplies(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 400; i++) {
            final byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            if (random.nextBoolean() && bytes.length >= 8) {
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, bytes.length - 8)
                        .putShort(4, (short) (0x11 + random.nextInt(0x30))).putShort(6, (short) 0);
            }
            exercise(random.nextInt(8), bytes);
        }
    }

    @Test
    void shouldParseAWellFormedProcessSession() throws Exception {
        final byte[] started = le(8).putInt(42).putInt(65536).array();
        final byte[] data = ByteBuffer.allocate(3).put((byte) 1).put((byte) 'h').put((byte) 'i').array();
        final byte[] exit = le(8).putInt(0).putInt(0).array();
        final byte[] script = concat(ScriptedAgent.frame(FrameType.STARTED, started),
                ScriptedAgent.frame(FrameType.DATA, data), ScriptedAgent.frame(FrameType.EXIT, exit),
                ScriptedAgent.frame(FrameType.EOF, new byte[] {1}), ScriptedAgent.frame(FrameType.EOF, new byte[] {2}));
        try (AgentClient client = new AgentClient(new ScriptedAgent(script), "scripted")) {
            final ExecSession session = client.exec(ECHO);
            assertEquals(42, session.pid());
            assertEquals("hi", new String(session.stdout().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(new ExitStatus(0, 0), session.exit().get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRejectAStreamThatOverrunsTheHostWindow() throws Exception {
        final byte[] started = le(8).putInt(7).putInt(65536).array();
        final byte[] chunk = new byte[1 + Wire.MAX_STREAM_CHUNK];
        chunk[0] = 1;
        final java.io.ByteArrayOutputStream script = new java.io.ByteArrayOutputStream();
        script.writeBytes(ScriptedAgent.frame(FrameType.STARTED, started));
        for (int i = 0; i <= ExecSession.HOST_WINDOW / Wire.MAX_STREAM_CHUNK; i++) {
            script.writeBytes(ScriptedAgent.frame(FrameType.DATA, chunk));
        }
        try (AgentClient client = new AgentClient(new ScriptedAgent(script.toByteArray()), "scripted")) {
            final ExecSession session = client.exec(ECHO);
            final ExecutionException e = assertThrows(ExecutionException.class,
                    () -> session.exit().get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("window"), e.getCause().getMessage());
        }
    }

    private static void exercise(final int operation, final byte[] afterHello) {
        try (AgentClient client = new AgentClient(new ScriptedAgent(afterHello), "fuzz")) {
            switch (operation) {
                case 0 -> client.files().stat("/x", true);
                case 1 -> client.files().readDirectory("/x");
                case 2 -> client.files().statFs("/x");
                case 3 -> client.files().realPath("/x");
                case 4 -> {
                    try (GuestFileHandle handle = client.files().open("/x", OpenFlags.READ, 0)) {
                        handle.read(0, ByteBuffer.allocate(100));
                        handle.write(0, ByteBuffer.allocate(10));
                        handle.stat();
                    }
                }
                default -> drain(client.exec(ECHO));
            }
        } catch (final IOException expected) {
            // A clear error is the right answer to a hostile agent.
        }
    }

    private static void drain(final ExecSession session) throws IOException {
        try (InputStream out = session.stdout(); InputStream err = session.stderr()) {
            final byte[] buffer = new byte[4096];
            while (out.read(buffer) >= 0) {
                // consume
            }
            while (err.read(buffer) >= 0) {
                // consume
            }
        }
        try {
            session.exit().get(5, TimeUnit.SECONDS);
        } catch (final ExecutionException expected) {
            // Ended by a protocol error or the end of the script.
        } catch (final InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("a hostile session did not end", e);
        }
    }

    private static ByteBuffer le(final int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] concat(final byte[]... parts) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (final byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
