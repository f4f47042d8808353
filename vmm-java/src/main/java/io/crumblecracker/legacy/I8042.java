package io.crumblecracker.legacy;

import io.crumblecracker.bus.PioDevice;
import java.util.Objects;

/**
 * The smallest i8042 keyboard controller Linux's {@code i8042} driver accepts when booted with
 * {@code i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd}, and the guest's way to reset the machine.
 *
 * <p>Register it as five ports from 0x60, so offset 0 is the data port (0x60) and offset 4 the
 * status/command port (0x64); offsets 1..3 read as 0xff and ignore writes (on a PC, 0x61 is system
 * control port B, which KVM's in-kernel PIT answers before it reaches here).
 *
 * <p>Controller commands (written to 0x64):
 * <ul>
 *   <li>0x20 read the command byte (CTR) and 0x60 write it (the next byte to 0x60);</li>
 *   <li>0xAA self-test: answers 0x55 and sets the system flag;</li>
 *   <li>0xAD / 0xAE disable / enable the keyboard interface (CTR bit 4);</li>
 *   <li>0xD0 read and 0xD1 write the output port; clearing its bit 0 resets the CPU;</li>
 *   <li>0xF0..0xFF pulse output-port lines low; an even value pulses bit 0, the CPU reset line, so
 *       0xFE (Linux's {@code reboot=k}) calls the reset callback.</li>
 * </ul>
 * There is no keyboard behind the controller: other commands, and bytes written to 0x60 when no
 * command expects one, are ignored, and nothing ever raises IRQ 1. Replies go into the one-byte output
 * buffer (status bit 0), which a read of 0x60 empties.
 *
 * <p>Thread safety: accesses are serialised by a lock; the reset callback runs after it is released,
 * on the vCPU thread that asked for the reset.
 *
 * @see <a href="https://wiki.osdev.org/%228042%22_PS/2_Controller">OSDev: 8042 PS/2 Controller</a>
 * @see <a href="https://github.com/rust-vmm/vm-superio/blob/main/vm-superio/src/i8042.rs">vm-superio i8042.rs</a>
 */
public final class I8042 implements PioDevice {

    /** Ports from the base (0x60) up to and including the command port (0x64). */
    public static final int PORT_COUNT = 5;

    static final int DATA = 0;
    static final int COMMAND = 4;

    static final int CMD_READ_CTR = 0x20;
    static final int CMD_WRITE_CTR = 0x60;
    static final int CMD_SELF_TEST = 0xaa;
    static final int CMD_DISABLE_KEYBOARD = 0xad;
    static final int CMD_ENABLE_KEYBOARD = 0xae;
    static final int CMD_READ_OUTPUT_PORT = 0xd0;
    static final int CMD_WRITE_OUTPUT_PORT = 0xd1;
    static final int CMD_PULSE_FIRST = 0xf0;
    static final int CMD_RESET_CPU = 0xfe;

    static final int SELF_TEST_PASSED = 0x55;

    static final int STATUS_OUTPUT_FULL = 0x01;
    static final int STATUS_SYSTEM_FLAG = 0x04;
    static final int STATUS_LAST_WAS_COMMAND = 0x08;
    static final int STATUS_NOT_INHIBITED = 0x10;

    static final int CTR_KEYBOARD_INTERRUPT = 0x01;
    static final int CTR_SYSTEM_FLAG = 0x04;
    static final int CTR_KEYBOARD_DISABLED = 0x10;
    static final int CTR_TRANSLATE = 0x40;
    /** The command byte a PC BIOS leaves: keyboard interrupt on, POST passed, scancode translation. */
    static final int CTR_AFTER_POST = CTR_KEYBOARD_INTERRUPT | CTR_SYSTEM_FLAG | CTR_TRANSLATE;

    /** Output port bit 0: CPU reset, active low. */
    static final int OUTPUT_PORT_RESET_INACTIVE = 0x01;
    /** Output port bit 1: A20 gate. */
    static final int OUTPUT_PORT_A20 = 0x02;

    private static final int NO_COMMAND = -1;
    private static final int UNMAPPED = 0xff;

    private final Object lock = new Object();
    private final Runnable resetRequested;

    private int commandByte = CTR_AFTER_POST;
    private int outputPort = OUTPUT_PORT_RESET_INACTIVE | OUTPUT_PORT_A20;
    private int outputBuffer;
    private boolean outputFull;
    private boolean lastWasCommand;
    private int awaitingData = NO_COMMAND;
    private boolean resetPending;

    /**
     * Creates a controller in its post-BIOS state.
     *
     * @param resetRequested called, on the vCPU thread, each time the guest pulses the CPU reset line
     */
    public I8042(final Runnable resetRequested) {
        this.resetRequested = Objects.requireNonNull(resetRequested, "resetRequested");
    }

    @Override
    public int read(final int offset, final int size) {
        if (size < 1 || size > Integer.BYTES) {
            return -1;
        }
        synchronized (lock) {
            int value = 0;
            for (int i = 0; i < size; i++) {
                value |= readRegister(offset + i) << (Byte.SIZE * i);
            }
            return value;
        }
    }

    @Override
    public void write(final int offset, final int size, final int value) {
        if (size < 1 || size > Integer.BYTES) {
            return;
        }
        final boolean reset;
        synchronized (lock) {
            for (int i = 0; i < size; i++) {
                writeRegister(offset + i, value >>> (Byte.SIZE * i) & 0xff);
            }
            reset = resetPending;
            resetPending = false;
        }
        if (reset) {
            resetRequested.run();
        }
    }

    private int readRegister(final int offset) {
        return switch (offset) {
            case DATA -> readData();
            case COMMAND -> status();
            default -> UNMAPPED;
        };
    }

    private void writeRegister(final int offset, final int value) {
        switch (offset) {
            case DATA -> writeData(value);
            case COMMAND -> command(value);
            default -> {
                // Ports 0x61..0x63 are not the controller's.
            }
        }
    }

    private int readData() {
        outputFull = false;
        return outputBuffer;
    }

    private int status() {
        return (outputFull ? STATUS_OUTPUT_FULL : 0)
                | (commandByte & CTR_SYSTEM_FLAG) // the system flag mirrors CTR bit 2
                | (lastWasCommand ? STATUS_LAST_WAS_COMMAND : 0)
                | STATUS_NOT_INHIBITED;
    }

    private void command(final int command) {
        lastWasCommand = true;
        awaitingData = NO_COMMAND;
        switch (command) {
            case CMD_READ_CTR -> reply(commandByte);
            case CMD_WRITE_CTR, CMD_WRITE_OUTPUT_PORT -> awaitingData = command;
            case CMD_SELF_TEST -> {
                commandByte |= CTR_SYSTEM_FLAG;
                reply(SELF_TEST_PASSED);
            }
            case CMD_DISABLE_KEYBOARD -> commandByte |= CTR_KEYBOARD_DISABLED;
            case CMD_ENABLE_KEYBOARD -> commandByte &= ~CTR_KEYBOARD_DISABLED;
            case CMD_READ_OUTPUT_PORT -> reply(outputPort);
            default -> pulse(command);
        }
    }

    private void writeData(final int value) {
        lastWasCommand = false;
        final int pending = awaitingData;
        awaitingData = NO_COMMAND;
        if (pending == CMD_WRITE_CTR) {
            commandByte = value;
        } else if (pending == CMD_WRITE_OUTPUT_PORT) {
            outputPort = value;
            resetPending |= (value & OUTPUT_PORT_RESET_INACTIVE) == 0;
        }
        // Otherwise the byte is for the keyboard, and there is none.
    }

    /** Commands 0xF0..0xFF pulse the output-port lines whose bits are clear in the low nibble. */
    private void pulse(final int command) {
        if (command >= CMD_PULSE_FIRST && (command & OUTPUT_PORT_RESET_INACTIVE) == 0) {
            resetPending = true;
        }
    }

    private void reply(final int value) {
        outputBuffer = value & 0xff;
        outputFull = true;
    }
}
