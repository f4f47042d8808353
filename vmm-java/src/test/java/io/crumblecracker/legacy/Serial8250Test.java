package io.crumblecracker.legacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class Serial8250Test {

    private static final int RBR = 0;
    private static final int THR = 0;
    private static final int IER = 1;
    private static final int IIR = 2;
    private static final int FCR = 2;
    private static final int LCR = 3;
    private static final int MCR = 4;
    private static final int LSR = 5;
    private static final int MSR = 6;
    private static final int SCR = 7;

    private final AtomicInteger interrupts = new AtomicInteger();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final Serial8250 uart = new Serial8250(interrupts::incrementAndGet, sent::write);

    @Test
    void shouldStartInTheResetState() {
        assertEquals(0x01, in(IIR));
        assertEquals(0x60, in(LSR));
        assertEquals(0x00, in(IER));
        assertEquals(0x00, in(LCR));
        assertEquals(0x00, in(MCR));
        assertEquals(0xb0, in(MSR));
        assertEquals(0, interrupts.get());
    }

    @Test
    void shouldSendTransmittedBytesToTheSink() {
        out(THR, 'h');
        out(THR, 'i');
        assertArrayEquals(new byte[] {'h', 'i'}, sent.toByteArray());
        assertEquals(0x60, in(LSR), "THR and transmitter stay empty");
        assertEquals(0, interrupts.get(), "THRE interrupt disabled");
    }

    @Test
    void shouldRaiseThrEmptyWhenEnabled() {
        out(IER, 0x02);
        assertEquals(1, interrupts.get());
        assertEquals(0x02, in(IIR));
    }

    @Test
    void shouldClearThrEmptyOnIirRead() {
        out(IER, 0x02);
        assertEquals(0x02, in(IIR));
        assertEquals(0x01, in(IIR));
    }

    @Test
    void shouldRaiseThrEmptyAgainAfterEachTransmit() {
        out(IER, 0x02);
        in(IIR);
        out(THR, 'x');
        assertEquals(2, interrupts.get());
        assertEquals(0x02, in(IIR));
        out(THR, 'y');
        assertEquals(3, interrupts.get(), "writing THR clears the pending THRE, completion raises it again");
    }

    @Test
    void shouldReassertThrEmptyWhenIerTogglesAsLinuxProbes() {
        out(IER, 0x02);
        final int iir1 = in(IIR);
        out(IER, 0x00);
        out(IER, 0x02);
        final int iir2 = in(IIR);
        out(IER, 0x00);
        assertEquals(0, iir1 & 0x01);
        assertEquals(0, iir2 & 0x01, "no UART_BUG_THRE");
        assertEquals(2, interrupts.get());
    }

    @Test
    void shouldReceiveInputThroughTheFifo() {
        assertTrue(uart.enqueueInput((byte) 'a'));
        assertEquals(3, uart.enqueueInput(new byte[] {'x', 'b', 'c', 'd'}, 1, 3));
        assertEquals(0x61, in(LSR));
        assertEquals('a', in(RBR));
        assertEquals('b', in(RBR));
        assertEquals('c', in(RBR));
        assertEquals('d', in(RBR));
        assertEquals(0x60, in(LSR));
        assertEquals(0, in(RBR));
    }

    @Test
    void shouldRefuseInputWhenTheFifoIsFull() {
        final byte[] many = new byte[Serial8250.RX_FIFO_SIZE + 10];
        assertEquals(Serial8250.RX_FIFO_SIZE, uart.enqueueInput(many, 0, many.length));
        assertFalse(uart.enqueueInput((byte) 1));
        assertEquals(0, uart.enqueueInput(many, 0, 1));
        in(RBR);
        assertTrue(uart.enqueueInput((byte) 1));
        assertEquals(0, in(LSR) & 0x02, "refusing input is not an overrun");
    }

    @Test
    void shouldRejectBadInputRanges() {
        assertThrows(IndexOutOfBoundsException.class, () -> uart.enqueueInput(new byte[4], 2, 3));
    }

    @Test
    void shouldRaiseReceivedDataInterruptOnceUntilDrained() {
        out(IER, 0x01);
        assertEquals(0, interrupts.get());
        uart.enqueueInput((byte) 'a');
        assertEquals(1, interrupts.get());
        uart.enqueueInput((byte) 'b');
        assertEquals(1, interrupts.get(), "the line is already high");
        assertEquals(0x04, in(IIR));
        in(RBR);
        assertEquals(0x04, in(IIR));
        in(RBR);
        assertEquals(0x01, in(IIR));
        uart.enqueueInput((byte) 'c');
        assertEquals(2, interrupts.get());
    }

    @Test
    void shouldRaiseReceivedDataWhenEnabledWithDataWaiting() {
        uart.enqueueInput((byte) 'a');
        assertEquals(0, interrupts.get());
        out(IER, 0x01);
        assertEquals(1, interrupts.get());
    }

    @Test
    void shouldReportReceivedDataBeforeThrEmpty() {
        out(IER, 0x03);
        uart.enqueueInput((byte) 'a');
        assertEquals(0x04, in(IIR));
        assertEquals(0x04, in(IIR), "reading IIR does not clear RX data");
        in(RBR);
        assertEquals(0x02, in(IIR));
        assertEquals(0x01, in(IIR));
    }

    @Test
    void shouldShowFifoBitsOnceEnabledAndClearOnRequest() {
        uart.enqueueInput((byte) 'a');
        out(FCR, 0x01);
        assertEquals(0xc1, in(IIR));
        assertEquals(0x60, in(LSR), "enabling the FIFO resets it");
        uart.enqueueInput((byte) 'b');
        out(FCR, 0x03);
        assertEquals(0x60, in(LSR));
        assertEquals(0xc1, in(IIR));
        out(FCR, 0x00);
        assertEquals(0x01, in(IIR));
    }

    @Test
    void shouldNeverLookLikeA16750OrHaveAnEfr() {
        out(FCR, 0x21);
        assertEquals(0xc0, in(IIR) & 0xe0);
        out(LCR, 0xbf);
        assertEquals(0xc1, in(IIR));
        out(LCR, 0x00);
        out(IER, 0xff);
        assertEquals(0x0f, in(IER));
    }

    @Test
    void shouldPassLinuxLoopbackProbe() {
        out(MCR, 0x1a);
        assertEquals(0x90, in(MSR) & 0xf0);
        out(MCR, 0x00);
        assertEquals(0xb0, in(MSR) & 0xf0);
    }

    @Test
    void shouldLoopTransmittedBytesBackToTheReceiver() {
        out(MCR, 0x10);
        out(THR, 'z');
        assertEquals(0, sent.size());
        assertEquals(0x61, in(LSR));
        assertEquals('z', in(RBR));
        assertFalse(uart.enqueueInput((byte) 'q'), "serial input is disconnected in loopback");
    }

    @Test
    void shouldFlagOverrunWhenLoopbackFillsTheFifo() {
        out(IER, 0x04);
        out(MCR, 0x10);
        for (int i = 0; i <= Serial8250.RX_FIFO_SIZE; i++) {
            out(THR, i);
        }
        assertEquals(1, interrupts.get());
        assertEquals(0x06, in(IIR));
        assertEquals(0x63, in(LSR));
        assertEquals(0x61, in(LSR), "reading LSR clears the overrun");
        assertEquals(0x01, in(IIR));
    }

    @Test
    void shouldReportModemStatusDeltas() {
        out(IER, 0x08);
        out(MCR, 0x10);
        assertEquals(1, interrupts.get(), "entering loopback drops CTS, DSR and DCD");
        assertEquals(0x00, in(IIR));
        assertEquals(0x0b, in(MSR));
        assertEquals(0x01, in(IIR));
        out(MCR, 0x14);
        assertEquals(0x40, in(MSR), "RI rising is not a delta");
        out(MCR, 0x10);
        assertEquals(0x04, in(MSR), "trailing edge of RI");
        out(MCR, 0x13);
        assertEquals(0x33, in(MSR));
    }

    @Test
    void shouldSwitchToDivisorLatchWithDlab() {
        assertEquals(12, inWithDlab(0));
        out(LCR, 0x83);
        out(0, 0x01);
        out(1, 0x02);
        assertEquals(0x01, in(0));
        assertEquals(0x02, in(1));
        out(LCR, 0x03);
        assertEquals(0, sent.size(), "DLL writes are not transmitted");
        assertEquals(0x00, in(IER));
        out(THR, 'k');
        assertEquals(1, sent.size());
        assertEquals(0x03, in(LCR));
    }

    @Test
    void shouldKeepTheScratchRegister() {
        out(SCR, 0x5a);
        assertEquals(0x5a, in(SCR));
        out(SCR, 0xa5);
        assertEquals(0xa5, in(SCR));
    }

    @Test
    void shouldIgnoreStatusWritesAndUnknownOffsets() {
        out(LSR, 0x00);
        out(MSR, 0x00);
        assertEquals(0x60, in(LSR));
        assertEquals(0xb0, in(MSR));
        assertEquals(0xff, in(8));
        out(8, 0x12);
        assertEquals(-1, uart.read(0, 8));
        assertEquals(-1, uart.read(0, 0));
    }

    @Test
    void shouldSplitWideAccessesIntoByteAccesses() {
        uart.write(MSR, 2, 0x1a55);
        assertEquals(0xb0, in(MSR), "the MSR byte is ignored");
        assertEquals(0x1a, in(SCR), "the next byte lands in SCR");
        out(LCR, 0x03);
        out(MCR, 0x0b);
        assertEquals(0x0b03, uart.read(LCR, 2));
        assertEquals(0xffff_ff1a, uart.read(SCR, 4), "bytes past the UART read as 0xff");
    }

    @Test
    void shouldAcceptInputFromAnotherThread() throws InterruptedException {
        final int total = 10_000;
        final CountDownLatch done = new CountDownLatch(1);
        final Thread feeder = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < total; i++) {
                while (!uart.enqueueInput((byte) i)) {
                    Thread.onSpinWait();
                }
            }
            done.countDown();
        });
        for (int i = 0; i < total; i++) {
            while ((in(LSR) & 0x01) == 0) {
                Thread.onSpinWait();
            }
            assertEquals(i & 0xff, in(RBR));
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        feeder.join();
    }

    private int in(final int offset) {
        return uart.read(offset, 1);
    }

    private int inWithDlab(final int offset) {
        out(LCR, 0x80);
        final int value = in(offset);
        out(LCR, 0x00);
        return value;
    }

    private void out(final int offset, final int value) {
        uart.write(offset, 1, value);
    }
}
