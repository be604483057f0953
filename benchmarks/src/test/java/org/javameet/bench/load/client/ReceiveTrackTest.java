package org.javameet.bench.load.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReceiveTrackTest {
    @Test
    void receiveTrackCountsGapsAndRepairs() {
        ReceiveTrack t = new ReceiveTrack(1, true);
        t.track(65534);
        t.track(65535);
        int[] missing = t.track(2); // wraps; 0 and 1 missing
        assertArrayEquals(new int[] {0, 1}, missing);
        assertEquals(2, t.lost());
        t.track(0); // a retransmission fills one gap
        assertEquals(1, t.lost());
    }
}
