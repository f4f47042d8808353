package io.crumblecracker.virtio.vsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VsockCreditTest {

    @Test
    void shouldComputeThePeersFreeSpace() {
        final VsockCredit credit = new VsockCredit(1024);
        assertEquals(0, credit.peerFree(), "no credit before the peer speaks");

        credit.onPeer(1000, 0);
        credit.onSent(600);
        assertEquals(400, credit.peerFree());
        credit.onSent(400);
        assertEquals(0, credit.peerFree());
        credit.onPeer(1000, 700);
        assertEquals(700, credit.peerFree());
    }

    @Test
    void shouldSurviveCounterWrapAround() {
        final VsockCredit credit = new VsockCredit(1024);
        credit.onPeer(-1, 0);
        credit.onSent(-16);
        credit.onPeer(4096, -100);
        credit.onSent(200);

        assertEquals(4096 - 284, credit.peerFree(), "tx_cnt wrapped past fwd_cnt: 284 bytes in flight");
    }

    @Test
    void shouldGiveNothingToAPeerWhoseCounterRunsAhead() {
        final VsockCredit credit = new VsockCredit(1024);
        credit.onSent(10);
        credit.onPeer(1 << 20, 11);

        assertEquals(0, credit.peerFree());
        credit.onPeer(0xFFFF_FFFF, 10);
        assertEquals(0xFFFF_FFFFL, credit.peerFree(), "never more than buf_alloc, read unsigned");
    }

    @Test
    void shouldAskForAnUpdateOnlyWhenThePeerRunsLow() {
        final VsockCredit credit = new VsockCredit(1000);
        assertFalse(credit.updateDue(0));

        credit.onConsumed(100);
        assertFalse(credit.updateDue(0), "the peer still sees 900 free");
        credit.onConsumed(450);
        assertTrue(credit.updateDue(0), "the peer sees 450 free, below half");
        assertTrue(credit.updateDue(400));

        assertEquals(550, credit.advertise());
        assertFalse(credit.updateDue(0));
        assertEquals(1000, credit.bufAlloc());
    }
}
