package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's counting rules on synthetic snapshots: what a run's figures are made of. */
class WindowMathTest {
    private static LoadParticipant.TrackSnapshot track(String key, int sender, long arrivals, long delivered,
                                                       long retransmissions, long nacks, long... latency) {
        return new LoadParticipant.TrackSnapshot(key, sender, true, 1, arrivals + 100, arrivals, delivered,
                retransmissions, nacks, 0, latency);
    }

    private static LoadParticipant.Snapshot peer(int senderId, long windowSent, long nacksReceived,
                                                 LoadParticipant.TrackSnapshot... tracks) {
        return new LoadParticipant.Snapshot(senderId, 0, 1, windowSent + 500, windowSent, nacksReceived, 0, 0,
                List.of(tracks));
    }

    @Test
    void deliveredCountsOnlyWhatWasSentInTheWindowSoItNeverExceedsExpected() {
        // two publishers in one room, 100 packets each in the window; each receives the other's 100
        List<LoadParticipant.Snapshot> end = List.of(
                peer(1, 100, 0, track("2/video", 2, 100, 100, 0, 0, 1_000_000)),
                peer(2, 100, 0, track("1/video", 1, 100, 100, 0, 0, 2_000_000)));
        WindowMath.Result r = WindowMath.compute(new int[] {0, 0}, new boolean[] {true, true},
                List.of(LoadParticipant.Snapshot.EMPTY, LoadParticipant.Snapshot.EMPTY), end);
        assertEquals(200, r.sent());
        assertEquals(200, r.expected());
        assertEquals(200, r.delivered());
        assertEquals(0, r.lossPercent());
        assertEquals(1.0, r.latencyMs()[0]);
    }

    @Test
    void lossIsWhatExpectedPacketsNeverArrivedEvenOnATrackThatNeverStarted() {
        // three in a room; receiver 3 gets publisher 1's 100 but nothing of publisher 2's 100
        List<LoadParticipant.Snapshot> end = List.of(
                peer(1, 100, 0, track("2", 2, 100, 100, 0, 0)),
                peer(2, 100, 0, track("1", 1, 100, 100, 0, 0)),
                peer(0, 0, 0, track("1", 1, 100, 100, 0, 0)));
        WindowMath.Result r = WindowMath.compute(new int[] {0, 0, 0}, new boolean[] {true, true, true},
                List.of(LoadParticipant.Snapshot.EMPTY, LoadParticipant.Snapshot.EMPTY, LoadParticipant.Snapshot.EMPTY),
                end);
        assertEquals(400, r.expected());
        assertEquals(300, r.delivered());
        assertEquals(25.0, r.lossPercent(), 1e-9);
        assertEquals(50.0, r.worstLossPercent(), 1e-9);
    }

    @Test
    void retransmissionsAreForwardedPacketsButDeliveredOnce() {
        // 100 sent; 5 lost and repaired (on RTX or the media SSRC: the track counts both alike), 2 sent twice
        List<LoadParticipant.Snapshot> end = List.of(
                peer(1, 100, 3),
                peer(0, 0, 0, track("1", 1, 95 + 5 + 2, 100, 7, 3)));
        List<LoadParticipant.Snapshot> start = List.of(peer(1, 0, 1), peer(0, 0, 0, track("1", 1, 0, 0, 0, 1)));
        WindowMath.Result r = WindowMath.compute(new int[] {0, 0}, new boolean[] {true, true}, start, end);
        assertEquals(102, r.arrivals(), "the CPU-per-packet denominator includes retransmissions");
        assertEquals(100, r.delivered());
        assertEquals(7, r.retransmissions());
        assertEquals(0, r.lossPercent());
        assertEquals(2, r.nacksSent(), "NACKs are counted from the window's start");
        assertEquals(2, r.nacksReceived());
    }

    @Test
    void oneGroupOfReceiversCountsEveryPublisherButOnlyItsOwnReceipts() {
        // --tcp-share splits receivers by path: publisher 2 (say over TCP) lost 50 of publisher 1's 100; publisher 1
        // (over UDP) got all of 2's. Counting only receiver 2 still counts what publisher 1 sent.
        List<LoadParticipant.Snapshot> end = List.of(
                peer(1, 100, 0, track("2", 2, 100, 100, 0, 0, 1_000_000)),
                peer(2, 100, 0, track("1", 1, 50, 50, 0, 0, 3_000_000)));
        List<LoadParticipant.Snapshot> start = List.of(LoadParticipant.Snapshot.EMPTY, LoadParticipant.Snapshot.EMPTY);
        WindowMath.Result tcp = WindowMath.compute(new int[] {0, 0}, new boolean[] {false, true}, start, end);
        assertEquals(100, tcp.expected());
        assertEquals(50, tcp.delivered());
        assertEquals(50.0, tcp.lossPercent(), 1e-9);
        assertEquals(3.0, tcp.latencyMs()[0]);
        WindowMath.Result udp = WindowMath.compute(new int[] {0, 0}, new boolean[] {true, false}, start, end);
        assertEquals(0, udp.lossPercent());
        assertEquals(1.0, udp.latencyMs()[0]);
    }

    @Test
    void roomsAreSeparateAndFailedJoinsExpectNothing() {
        List<LoadParticipant.Snapshot> end = List.of(
                peer(1, 100, 0),
                peer(0, 0, 0, track("1", 1, 100, 100, 0, 0)),
                peer(3, 50, 0),
                LoadParticipant.Snapshot.EMPTY); // joined room 1 but failed
        WindowMath.Result r = WindowMath.compute(new int[] {0, 0, 1, 1}, new boolean[] {true, true, true, false},
                List.of(LoadParticipant.Snapshot.EMPTY, LoadParticipant.Snapshot.EMPTY,
                        LoadParticipant.Snapshot.EMPTY, LoadParticipant.Snapshot.EMPTY), end);
        assertEquals(100, r.expected(), "room 0's listener expects publisher 1; room 1 has no joined listener");
        assertEquals(0, r.lossPercent());
        assertTrue(Double.isNaN(r.latencyMs()[0]));
    }
}
