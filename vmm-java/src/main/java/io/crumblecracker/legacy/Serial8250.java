package io.crumblecracker.legacy;

import io.crumblecracker.bus.InterruptLine;
import io.crumblecracker.bus.PioDevice;
import java.util.Objects;

/**
 * A 16550A UART: eight byte-wide registers at offsets 0..7 of its port range (COM1 is 0x3f8, IRQ 4).
 *
 * <p>Registers (offset: read / write):
 * <pre>
 *   0: RBR receive buffer / THR transmit holding   (DLAB=1: DLL divisor latch low)
 *   1: IER interrupt enable, bits 0..3            (DLAB=1: DLM divisor latch high)
 *   2: IIR interrupt identification / FCR FIFO control
 *   3: LCR line control (bit 7 = DLAB)    4: MCR modem control (bit 4 = loopback)
 *   5: LSR line status                    6: MSR modem status    7: SCR scratch
 * </pre>
 * Transmission is instantaneous: a byte written to THR goes straight to the {@link SerialOutput}
 * (or, in loopback, to the receive FIFO), so THR and the transmitter always read as empty.
 *
 * <p>Interrupts, highest priority first, each enabled by an IER bit: receiver line status (overrun, on
 * loopback only), received data available, THR empty, modem status. IIR reports the highest pending one
 * (0x01 when none) with 0xC0 set while the FIFOs are enabled. The THRE interrupt follows the
 * datasheet: transmitting a byte raises it, reading IIR while it is the one reported clears it, and so
 * does writing THR; turning IER.ETBEI on raises it afresh (as QEMU and Bochs do, and as Linux's
 * {@code UART_BUG_THRE} probe expects). The UART's INTR output is a level; the
 * {@link InterruptLine} gets one trigger per rising edge, which is what the edge-triggered ISA IRQ pin
 * sees. OUT2 does not gate it (QEMU and vm-superio do not either).
 *
 * <p>Probe compatibility: Linux's {@code autoconfig()} in {@code drivers/tty/serial/8250/8250_port.c}
 * finds a 16550A: IER keeps only bits 0..3, loopback (MCR = 0x1A) reads MSR = DCD | CTS, IIR shows 0xC0
 * once FCR enables the FIFO, IIR never shows bit 5 (so no 16750) and offset 2 reads as IIR under any LCR
 * (so no EFR).
 *
 * <p>Input: {@link #enqueueInput(byte)} feeds a receive FIFO of {@value #RX_FIFO_SIZE} bytes from any
 * thread. That is larger than the chip's 16 so the feeder wakes less often; the guest cannot tell, as it
 * drains RBR while LSR.DR is set. A full FIFO refuses input rather than overrun, so no input is lost;
 * input is also refused in loopback mode, where a real UART's serial input is disconnected.
 *
 * <p>Thread safety: every access holds one lock; the interrupt is triggered after releasing it. Nothing
 * on the register path allocates.
 *
 * @see <a href="https://www.ti.com/lit/ds/symlink/pc16550d.pdf">TI PC16550D datasheet, §8 Registers</a>
 * @see <a href="https://github.com/rust-vmm/vm-superio/blob/main/vm-superio/src/serial.rs">vm-superio serial.rs</a>
 */
public final class Serial8250 implements PioDevice {

    /** Ports the UART occupies. */
    public static final int PORT_COUNT = 8;
    /** Bytes of receive FIFO. */
    public static final int RX_FIFO_SIZE = 64;

    static final int DATA = 0;
    static final int IER = 1;
    static final int IIR_FCR = 2;
    static final int LCR = 3;
    static final int MCR = 4;
    static final int LSR = 5;
    static final int MSR = 6;
    static final int SCR = 7;

    static final int IER_RX_DATA = 0x01;
    static final int IER_THR_EMPTY = 0x02;
    static final int IER_LINE_STATUS = 0x04;
    static final int IER_MODEM_STATUS = 0x08;
    static final int IER_MASK = 0x0f;

    static final int IIR_NONE = 0x01;
    static final int IIR_LINE_STATUS = 0x06;
    static final int IIR_RX_DATA = 0x04;
    static final int IIR_THR_EMPTY = 0x02;
    static final int IIR_MODEM_STATUS = 0x00;
    static final int IIR_FIFO_ENABLED = 0xc0;

    static final int FCR_ENABLE_FIFO = 0x01;
    static final int FCR_CLEAR_RX = 0x02;

    static final int LCR_DLAB = 0x80;

    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;
    static final int MCR_MASK = 0x1f;

    static final int LSR_DATA_READY = 0x01;
    static final int LSR_OVERRUN = 0x02;
    static final int LSR_THR_EMPTY = 0x20;
    static final int LSR_TRANSMITTER_EMPTY = 0x40;

    static final int MSR_DELTA_CTS = 0x01;
    static final int MSR_DELTA_DSR = 0x02;
    static final int MSR_TRAILING_RI = 0x04;
    static final int MSR_DELTA_DCD = 0x08;
    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;

    /** Modem inputs outside loopback: a connected, ready peer (as vm-superio reports). */
    static final int MSR_CONNECTED = MSR_DCD | MSR_DSR | MSR_CTS;
    /** Divisor 12: 9600 baud from the 1.8432 MHz clock, until the guest programs its own. */
    static final int DEFAULT_DIVISOR_LOW = 12;

    private static final int UNMAPPED = 0xff;

    private final Object lock = new Object();
    private final InterruptLine interrupt;
    private final SerialOutput output;

    private final byte[] rxFifo = new byte[RX_FIFO_SIZE];
    private int rxHead;
    private int rxCount;

    private int interruptEnable;
    private int lineControl;
    private int modemControl;
    private int scratch;
    private int divisorLow = DEFAULT_DIVISOR_LOW;
    private int divisorHigh;
    private boolean fifoEnabled;
    private boolean thrEmptyPending;
    private boolean overrun;
    private int modemDeltas;
    private boolean interruptAsserted;
    private boolean risingEdge;

    /**
     * Creates a UART in its reset state.
     *
     * @param interrupt the IRQ line (IRQ 4 for COM1), triggered on each rising edge of INTR
     * @param output    where transmitted bytes go
     */
    public Serial8250(final InterruptLine interrupt, final SerialOutput output) {
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
        this.output = Objects.requireNonNull(output, "output");
    }

    @Override
    public int read(final int offset, final int size) {
        if (size < 1 || size > Integer.BYTES) {
            return -1;
        }
        final int value;
        final boolean raise;
        synchronized (lock) {
            int composed = 0;
            for (int i = 0; i < size; i++) {
                composed |= readRegister(offset + i) << (Byte.SIZE * i);
            }
            value = composed;
            raise = takeRisingEdge();
        }
        fireIf(raise);
        return value;
    }

    @Override
    public void write(final int offset, final int size, final int value) {
        if (size < 1 || size > Integer.BYTES) {
            return;
        }
        final boolean raise;
        synchronized (lock) {
            for (int i = 0; i < size; i++) {
                writeRegister(offset + i, value >>> (Byte.SIZE * i) & 0xff);
            }
            raise = takeRisingEdge();
        }
        fireIf(raise);
    }

    /**
     * Offers one input byte to the receive FIFO; callable from any thread.
     *
     * @return false if the FIFO is full or the UART is in loopback, so the caller should retry later
     */
    public boolean enqueueInput(final byte b) {
        final boolean accepted;
        final boolean raise;
        synchronized (lock) {
            accepted = acceptsInput() && pushRx(b);
            updateInterrupt();
            raise = takeRisingEdge();
        }
        fireIf(raise);
        return accepted;
    }

    /**
     * Offers {@code length} input bytes from {@code bytes[offset..]}; callable from any thread.
     *
     * @return how many leading bytes were accepted, 0 if the FIFO is full or the UART is in loopback
     */
    public int enqueueInput(final byte[] bytes, final int offset, final int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int accepted = 0;
        final boolean raise;
        synchronized (lock) {
            while (accepted < length && acceptsInput() && pushRx(bytes[offset + accepted])) {
                accepted++;
            }
            updateInterrupt();
            raise = takeRisingEdge();
        }
        fireIf(raise);
        return accepted;
    }

    private int readRegister(final int offset) {
        return switch (offset) {
            case DATA -> dlab() ? divisorLow : readReceiveBuffer();
            case IER -> dlab() ? divisorHigh : interruptEnable;
            case IIR_FCR -> readInterruptIdentification();
            case LCR -> lineControl;
            case MCR -> modemControl;
            case LSR -> readLineStatus();
            case MSR -> readModemStatus();
            case SCR -> scratch;
            default -> UNMAPPED;
        };
    }

    private void writeRegister(final int offset, final int value) {
        switch (offset) {
            case DATA -> {
                if (dlab()) {
                    divisorLow = value;
                } else {
                    transmit(value);
                }
            }
            case IER -> {
                if (dlab()) {
                    divisorHigh = value;
                } else {
                    writeInterruptEnable(value);
                }
            }
            case IIR_FCR -> writeFifoControl(value);
            case LCR -> lineControl = value;
            case MCR -> writeModemControl(value);
            case SCR -> scratch = value;
            default -> {
                // LSR and MSR writes (factory test on real parts) and unmapped offsets are ignored.
            }
        }
    }

    private int readReceiveBuffer() {
        if (rxCount == 0) {
            return 0;
        }
        final int value = Byte.toUnsignedInt(rxFifo[rxHead]);
        rxHead = (rxHead + 1) % RX_FIFO_SIZE;
        rxCount--;
        updateInterrupt();
        return value;
    }

    private int readInterruptIdentification() {
        final int id = pendingInterrupt();
        if (id == IIR_THR_EMPTY) {
            thrEmptyPending = false;
            updateInterrupt();
        }
        return id | (fifoEnabled ? IIR_FIFO_ENABLED : 0);
    }

    private int readLineStatus() {
        final int status = (rxCount > 0 ? LSR_DATA_READY : 0) | (overrun ? LSR_OVERRUN : 0)
                | LSR_THR_EMPTY | LSR_TRANSMITTER_EMPTY;
        overrun = false;
        updateInterrupt();
        return status;
    }

    private int readModemStatus() {
        final int status = modemInputs() | modemDeltas;
        modemDeltas = 0;
        updateInterrupt();
        return status;
    }

    private void transmit(final int value) {
        thrEmptyPending = false;
        updateInterrupt();
        if (loopback()) {
            overrun |= !pushRx((byte) value);
        } else {
            output.write((byte) value);
        }
        thrEmptyPending = true;
        updateInterrupt();
    }

    private void writeInterruptEnable(final int value) {
        final int enabled = value & IER_MASK;
        if (((interruptEnable ^ enabled) & IER_THR_EMPTY) != 0) {
            thrEmptyPending = (enabled & IER_THR_EMPTY) != 0;
        }
        interruptEnable = enabled;
        updateInterrupt();
    }

    private void writeFifoControl(final int value) {
        final boolean enable = (value & FCR_ENABLE_FIFO) != 0;
        if (enable != fifoEnabled || (value & FCR_CLEAR_RX) != 0) {
            rxHead = 0;
            rxCount = 0;
        }
        fifoEnabled = enable;
        updateInterrupt();
    }

    private void writeModemControl(final int value) {
        final int before = modemInputs();
        modemControl = value & MCR_MASK;
        final int after = modemInputs();
        final int changed = before ^ after;
        modemDeltas |= (changed & MSR_CTS) != 0 ? MSR_DELTA_CTS : 0;
        modemDeltas |= (changed & MSR_DSR) != 0 ? MSR_DELTA_DSR : 0;
        modemDeltas |= (changed & MSR_DCD) != 0 ? MSR_DELTA_DCD : 0;
        modemDeltas |= (before & ~after & MSR_RI) != 0 ? MSR_TRAILING_RI : 0;
        updateInterrupt();
    }

    /** The modem input lines: looped back from MCR in loopback mode, else a connected peer. */
    private int modemInputs() {
        if (!loopback()) {
            return MSR_CONNECTED;
        }
        return ((modemControl & MCR_RTS) != 0 ? MSR_CTS : 0)
                | ((modemControl & MCR_DTR) != 0 ? MSR_DSR : 0)
                | ((modemControl & MCR_OUT1) != 0 ? MSR_RI : 0)
                | ((modemControl & MCR_OUT2) != 0 ? MSR_DCD : 0);
    }

    /** The IIR interrupt id of the highest-priority pending, enabled interrupt, or {@link #IIR_NONE}. */
    private int pendingInterrupt() {
        if ((interruptEnable & IER_LINE_STATUS) != 0 && overrun) {
            return IIR_LINE_STATUS;
        }
        if ((interruptEnable & IER_RX_DATA) != 0 && rxCount > 0) {
            return IIR_RX_DATA;
        }
        if ((interruptEnable & IER_THR_EMPTY) != 0 && thrEmptyPending) {
            return IIR_THR_EMPTY;
        }
        if ((interruptEnable & IER_MODEM_STATUS) != 0 && modemDeltas != 0) {
            return IIR_MODEM_STATUS;
        }
        return IIR_NONE;
    }

    /** Recomputes INTR and remembers a rising edge for the caller to fire after unlocking. */
    private void updateInterrupt() {
        final boolean asserted = pendingInterrupt() != IIR_NONE;
        risingEdge |= asserted && !interruptAsserted;
        interruptAsserted = asserted;
    }

    private boolean takeRisingEdge() {
        final boolean edge = risingEdge;
        risingEdge = false;
        return edge;
    }

    private void fireIf(final boolean raise) {
        if (raise) {
            interrupt.trigger();
        }
    }

    private boolean pushRx(final byte b) {
        if (rxCount == RX_FIFO_SIZE) {
            return false;
        }
        rxFifo[(rxHead + rxCount) % RX_FIFO_SIZE] = b;
        rxCount++;
        return true;
    }

    private boolean acceptsInput() {
        return !loopback();
    }

    private boolean dlab() {
        return (lineControl & LCR_DLAB) != 0;
    }

    private boolean loopback() {
        return (modemControl & MCR_LOOP) != 0;
    }
}
