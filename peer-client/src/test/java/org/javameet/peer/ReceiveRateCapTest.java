package org.javameet.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shaped downlink: what it passes over time, in order; it queues, then drops; time is passed in. */
class ReceiveRateCapTest {
    private static final long MS = 1_000_000L;

    @Test
    void passesAtMostTheRateAndKeepsTheOrder() {
        ReceiveRateCap cap = new ReceiveRateCap(800_000, 0); // 100 bytes per ms
        for (int i = 0; i < 20; i++) {
            assertTrue(cap.offer(new byte[] {(byte) i, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0)); // 10 bytes each
        }
        // a second of 20 x 1000-byte packets at once would be 160 kbit over the first ms: here 200 bytes arrive
        // and the bucket starts empty, so nothing passes before time passes
        assertNull(cap.poll(0));
        int passed = 0;
        byte expected = 0;
        for (long t = 1; t <= 2; t++) {
            byte[] p;
            while ((p = cap.poll(t * MS)) != null) {
                assertEquals(expected++, p[0], "in order");
                passed++;
            }
        }
        // 2 ms at 100 bytes/ms: 200 bytes, and a packet may overdraw the bucket by itself
        assertTrue(passed >= 19 && passed <= 20, passed + " packets");
    }

    @Test
    void aFullQueueDropsAndSaysWhenTheNextMayPass() {
        ReceiveRateCap cap = new ReceiveRateCap(80_000, 0); // 10 bytes per ms, queue at its minimum
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            if (cap.offer(new byte[1500], 0)) {
                accepted++;
            }
        }
        assertEquals(ReceiveRateCap.MIN_QUEUE_BYTES / 1500, accepted);
        assertEquals(100 - accepted, cap.dropped());
        long wait = cap.nanosUntilNext(0);
        assertTrue(wait > 0 && wait <= MS, "the first byte of tokens comes within a ms: " + wait);
        assertNotNull(cap.poll(wait));
        long next = cap.nanosUntilNext(wait);
        assertTrue(next >= 140 * MS && next <= 160 * MS, "1500 bytes at 10 bytes/ms: " + next);
        assertEquals(accepted - 1, cap.takeAll().size());
        assertEquals(-1, cap.nanosUntilNext(wait));
    }

    @Test
    void aRateOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReceiveRateCap(0, 0));
        assertFalse(new ReceiveRateCap(1, 0).offer(new byte[(int) ReceiveRateCap.MIN_QUEUE_BYTES + 1], 0));
    }
}
