package io.crumblecracker.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class I8042Test {

    private static final int DATA = 0;
    private static final int COMMAND = 4;

    private final AtomicInteger resets = new AtomicInteger();
    private final I8042 controller = new I8042(resets::incrementAndGet);

    @Test
    void shouldCallTheResetCallbackOnPulseFe() {
        command(0xfe);
        assertEquals(1, resets.get());
        command(0xfe);
        assertEquals(2, resets.get());
    }

    @Test
    void shouldNotResetOnOtherCommandsOrPorts() {
        command(0xff);
        command(0xfd);
        controller.write(DATA, 1, 0xfe);
        controller.write(1, 1, 0xfe);
        assertEquals(0, resets.get());
    }

    @Test
    void shouldResetWhenTheOutputPortResetBitIsCleared() {
        command(0xd1);
        controller.write(DATA, 1, 0xdf);
        assertEquals(0, resets.get());
        command(0xd1);
        controller.write(DATA, 1, 0xde);
        assertEquals(1, resets.get());
    }

    @Test
    void shouldStartEmptyAndUnlocked() {
        assertEquals(0x14, status());
    }

    @Test
    void shouldPassTheControllerSelfTest() {
        command(0xaa);
        assertEquals(0x01, status() & 0x01);
        assertEquals(0x55, controller.read(DATA, 1));
        assertEquals(0x00, status() & 0x01);
        assertEquals(0x04, status() & 0x04);
    }

    @Test
    void shouldReadAndWriteTheCommandByte() {
        command(0x20);
        assertEquals(0x45, controller.read(DATA, 1));
        command(0x60);
        assertEquals(0x08, status() & 0x08, "last write was a command");
        controller.write(DATA, 1, 0x30);
        assertEquals(0x00, status() & 0x08);
        command(0x20);
        assertEquals(0x30, controller.read(DATA, 1));
        assertEquals(0x00, status() & 0x04, "system flag follows CTR bit 2");
    }

    @Test
    void shouldToggleTheKeyboardInterface() {
        command(0xad);
        command(0x20);
        assertEquals(0x10, controller.read(DATA, 1) & 0x10);
        command(0xae);
        command(0x20);
        assertEquals(0x00, controller.read(DATA, 1) & 0x10);
    }

    @Test
    void shouldReadTheOutputPort() {
        command(0xd0);
        assertEquals(0x03, controller.read(DATA, 1));
    }

    @Test
    void shouldIgnoreKeyboardBytesAndForeignPorts() {
        controller.write(DATA, 1, 0xf4);
        assertEquals(0x14, status());
        assertEquals(0xff, controller.read(1, 1));
        assertEquals(0xff, controller.read(3, 1));
        assertEquals(-1, controller.read(DATA, 0));
    }

    @Test
    void shouldReadTheLastReplyAgainWithoutOutputFull() {
        command(0xaa);
        controller.read(DATA, 1);
        assertEquals(0x55, controller.read(DATA, 1));
        assertEquals(0x00, status() & 0x01);
    }

    private void command(final int value) {
        controller.write(COMMAND, 1, value);
    }

    private int status() {
        return controller.read(COMMAND, 1);
    }
}
