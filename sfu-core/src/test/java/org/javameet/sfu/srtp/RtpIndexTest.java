package org.javameet.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 3711 §3.3.1 index estimation and §3.3.2 replay window, as {@link RtpIndex} keeps them for one stream. */
class RtpIndexTest {
    /** Estimates, checks and (if new) accepts; returns what the check said. */
    private static SrtpStatus receive(RtpIndex index, int seq) {
        long i = index.estimate(seq);
        SrtpStatus status = index.checkReplay(i);
        if (status == SrtpStatus.OK) {
            index.update(seq, i);
        }
        return status;
    }

    @Test
    void rocFollowsWrapsAndLatePacketsFromBeforeAWrapKeepTheOldRoc() {
        RtpIndex index = new RtpIndex();
        assertEquals(SrtpStatus.OK, receive(index, 65_530));
        for (int seq = 65_531; seq <= 65_535; seq++) {
            assertEquals(SrtpStatus.OK, receive(index, seq));
        }
        assertEquals(SrtpStatus.OK, receive(index, 2)); // 0 and 1 lost or late
        assertEquals(1, index.roc());
        assertEquals(SrtpStatus.OK, receive(index, 0));
        assertEquals(1, index.guessedRoc());
        index.estimate(65_534); // a late packet from before the wrap
        assertEquals(0, index.guessedRoc());
        assertEquals(SrtpStatus.REPLAY, index.checkReplay(index.estimate(65_534)), "already received");
        assertEquals(SrtpStatus.OK, receive(index, 1));
        assertEquals(SrtpStatus.REPLAY, receive(index, 1));
    }

    @Test
    void theWindowIs64PacketsWide() {
        RtpIndex index = new RtpIndex();
        assertEquals(SrtpStatus.OK, receive(index, 1000));
        assertEquals(SrtpStatus.OK, receive(index, 1100));
        assertEquals(SrtpStatus.OK, receive(index, 1037), "63 behind the highest: inside the window");
        assertEquals(SrtpStatus.REPLAY, receive(index, 1036), "64 behind: too old");
    }

    @Test
    void aFailedFirstPacketLeavesTheStreamUnstarted() {
        RtpIndex index = new RtpIndex();
        index.estimate(40_000); // its packet fails authentication
        index.forgetStart();
        assertEquals(SrtpStatus.OK, receive(index, 10));
        assertEquals(SrtpStatus.OK, receive(index, 11));
        assertEquals(0, index.roc());
        index.estimate(40_000); // more than half the sequence space ahead: taken as before the stream (ROC - 1)
        assertEquals(-1, index.guessedRoc());
    }
}
