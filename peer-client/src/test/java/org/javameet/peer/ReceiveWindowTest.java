package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RFC 3550 §A.3 accounting: gaps to NACK, loss repaired by late packets and retransmissions, duplicates. */
class ReceiveWindowTest {
    @Test
    void aGapIsNackedAndRepairedByALatePacket() {
        ReceiveWindow w = new ReceiveWindow();
        assertNull(w.track(65534, false));
        assertArrayEquals(new int[] {65535, 0}, w.track(1, false), "across the wrap");
        assertEquals(2, w.lost());
        assertEquals(65536 + 1, w.highest());
        assertNull(w.track(0, false));
        assertEquals(1, w.lost());
        assertEquals(1, w.late());
        assertNull(w.track(65535, true), "a retransmission repairs without counting as late");
        assertEquals(0, w.lost());
        assertEquals(1, w.late());
    }

    @Test
    void duplicatesAreCountedNotTwice() {
        ReceiveWindow w = new ReceiveWindow();
        w.track(10, false);
        w.track(11, false);
        w.track(11, false);
        w.track(11, true);
        assertEquals(1, w.duplicates(), "a retransmitted copy is not a duplicate");
        assertEquals(0, w.lost());
    }

    @Test
    void aJumpBeyondTheNackGapIsARestartNotLossToNack() {
        ReceiveWindow w = new ReceiveWindow();
        w.track(100, false);
        assertNull(w.track(100 + ReceiveWindow.MAX_NACK_GAP + 2, false));
        assertEquals(ReceiveWindow.MAX_NACK_GAP + 1, w.lost());
        assertEquals(1, w.track(100 + ReceiveWindow.MAX_NACK_GAP + 4, false).length);
    }

    @Test
    void aRetransmissionDoesNotStartTheStreamAndTooOldIsIgnored() {
        ReceiveWindow w = new ReceiveWindow();
        assertNull(w.track(5, true));
        assertFalse(w.started());
        w.track(5000, false);
        assertTrue(w.started());
        w.track(5000 + ReceiveWindow.WINDOW, false);
        long lost = w.lost();
        assertNull(w.track(5000, false), "a window or more behind: cannot tell");
        assertEquals(lost, w.lost());
        assertEquals(0, w.late());
    }
}
