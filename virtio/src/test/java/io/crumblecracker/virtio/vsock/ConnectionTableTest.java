package io.crumblecracker.virtio.vsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectionTableTest {

    private final VsockDevice device = new VsockDevice(3, VsockBackend.refusing(), 64, 1024);

    @Test
    void shouldFindRemoveAndRefuseWhenFull() {
        final ConnectionTable table = new ConnectionTable(2);
        final VsockFlow a = flow(1, -1);
        final VsockFlow b = flow(-1, 1);
        table.put(a);
        table.put(b);

        assertSame(a, table.get(1, -1));
        assertSame(b, table.get(-1, 1));
        assertNull(table.get(1, 1));
        assertTrue(table.isFull());
        assertThrows(IllegalStateException.class, () -> table.put(flow(5, 5)));

        table.remove(a);
        table.remove(a);
        assertNull(table.get(1, -1));
        assertEquals(1, table.size());
        assertThrows(IllegalStateException.class, () -> table.put(flow(-1, 1)));
        assertEquals(1, table.snapshot().length);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void shouldAgreeWithAMapUnderRandomOperations(final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final ConnectionTable table = new ConnectionTable(40);
        final Map<Long, VsockFlow> model = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            // Few distinct ports, so keys collide and probe chains wrap.
            final int guestPort = random.nextInt(8);
            final int hostPort = random.nextInt(8) * 0x1000_0000;
            final long key = (long) guestPort << 32 | Integer.toUnsignedLong(hostPort);
            final VsockFlow present = model.get(key);
            assertSame(present, table.get(guestPort, hostPort));
            if (present != null && random.nextBoolean()) {
                table.remove(present);
                model.remove(key);
            } else if (present == null && !table.isFull()) {
                final VsockFlow flow = flow(guestPort, hostPort);
                table.put(flow);
                model.put(key, flow);
            }
            assertEquals(model.size(), table.size());
        }
    }

    private VsockFlow flow(final int guestPort, final int hostPort) {
        return new VsockFlow(device, new RecordingListener(), guestPort, hostPort, true);
    }
}
