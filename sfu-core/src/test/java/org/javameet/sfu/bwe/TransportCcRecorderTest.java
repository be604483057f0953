package org.javameet.sfu.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.javameet.sfu.rtcp.RtcpException;
import org.javameet.sfu.rtcp.TransportCcFeedback;
import org.junit.jupiter.api.Test;

/**
 * The receiver's transport-cc: what it records comes back out as feedback that parses, and that the server's own
 * {@link SendHistory} matches to what it sent, with arrival times to the 250 µs a delta can carry.
 */
class TransportCcRecorderTest {
    /** Marshals and parses again, as the server receives it. */
    private static TransportCcFeedback wire(TransportCcFeedback f) throws RtcpException {
        ByteBuf b = Unpooled.buffer(f.marshalSize());
        f.marshalTo(b);
        try {
            return TransportCcFeedback.parse(b, 0, b.readableBytes());
        } finally {
            b.release();
        }
    }

    @Test
    void reportsEachNumberOnceReceivedOrLostAndTheServersHistoryMatchesIt() throws RtcpException {
        SendHistory sent = new SendHistory();
        TransportCcRecorder r = new TransportCcRecorder();
        long[] arrival = new long[10];
        for (int i = 0; i < 10; i++) {
            int seq = sent.register(1_000_000 + i * 1000L, 1200);
            arrival[i] = 5_000_000 + i * 1_100L; // queueing: 1.1 ms apart for 1 ms sent
            if (i != 3 && i != 7) { // 3 and 7 are lost
                r.onPacket(seq, arrival[i]);
            }
        }
        List<TransportCcFeedback> out = r.takeFeedback(11, 22);
        assertEquals(1, out.size());
        TransportCcFeedback f = wire(out.get(0));
        assertEquals(10, f.packetCount());
        assertEquals(8, f.receivedCount());
        assertEquals(0, f.feedbackCount());

        FeedbackReport report = new FeedbackReport();
        assertEquals(10, sent.match(f, report));
        assertTrue(report.lost(3) && report.lost(7));
        long first = report.arrivalTimeMicros(0);
        for (int i = 0; i < 10; i++) {
            if (i != 3 && i != 7) {
                assertEquals(arrival[i] - arrival[0], report.arrivalTimeMicros(i) - first, 250.0, "packet " + i);
                assertEquals(1_000_000 + i * 1000L, report.sendTimeMicros(i));
            }
        }
        assertTrue(r.takeFeedback(11, 22).isEmpty(), "nothing new: no feedback");
    }

    @Test
    void aNumberThatComesAfterItsReportIsLateAndTheCountGoesOn() throws RtcpException {
        TransportCcRecorder r = new TransportCcRecorder();
        r.onPacket(100, 1000);
        r.onPacket(102, 3000);
        TransportCcFeedback first = wire(r.takeFeedback(1, 2).get(0));
        assertEquals(100, first.baseSequence());
        assertEquals(3, first.packetCount());
        assertEquals(2, first.receivedCount());

        r.onPacket(101, 4000); // reported lost already
        r.onPacket(103, 5000);
        TransportCcFeedback second = wire(r.takeFeedback(1, 2).get(0));
        assertEquals(1, r.late());
        assertEquals(103, second.baseSequence());
        assertEquals(1, second.packetCount());
        assertEquals(1, second.feedbackCount());
    }

    @Test
    void reorderedPacketsWithinAReportGetTheirOwnArrivalTimes() throws RtcpException {
        TransportCcRecorder r = new TransportCcRecorder();
        r.onPacket(7, 10_000);
        r.onPacket(9, 10_500);
        r.onPacket(8, 11_000); // after 9: a negative delta follows
        TransportCcFeedback f = wire(r.takeFeedback(1, 2).get(0));
        long[] offsets = new long[3];
        f.arrivalOffsetsMicros(offsets);
        assertEquals(1000, offsets[1] - offsets[0], 250.0);
        assertEquals(500, offsets[2] - offsets[0], 250.0);
    }

    @Test
    void sequenceNumbersWrapAround() throws RtcpException {
        TransportCcRecorder r = new TransportCcRecorder();
        r.onPacket(65534, 0);
        r.onPacket(65535, 1000);
        r.onPacket(0, 2000);
        r.onPacket(2, 3000);
        TransportCcFeedback f = wire(r.takeFeedback(1, 2).get(0));
        assertEquals(65534, f.baseSequence());
        assertEquals(5, f.packetCount());
        assertEquals(4, f.receivedCount());
    }

    @Test
    void manyPacketsAndLongStallsSplitIntoSeveralFeedbackPackets() throws RtcpException {
        TransportCcRecorder r = new TransportCcRecorder();
        int n = TransportCcRecorder.MAX_PER_FEEDBACK + 500;
        for (int i = 0; i < n; i++) {
            r.onPacket(i, i * 100L);
        }
        List<TransportCcFeedback> out = r.takeFeedback(1, 2);
        assertEquals(2, out.size());
        assertEquals(TransportCcRecorder.MAX_PER_FEEDBACK, wire(out.get(0)).packetCount());
        assertEquals(500, wire(out.get(1)).packetCount());
        assertEquals(TransportCcRecorder.MAX_PER_FEEDBACK, wire(out.get(1)).baseSequence());

        r.onPacket(n, 200_000_000L);
        r.onPacket(n + 1, 209_000_000L); // 9 s later: beyond what a 16-bit delta holds
        List<TransportCcFeedback> stalled = r.takeFeedback(1, 2);
        assertEquals(2, stalled.size());
        assertEquals(n + 1, wire(stalled.get(1)).baseSequence());
        assertEquals(4, r.feedbackSent());
    }

    @Test
    void aStallLongerThanTheWindowReportsOnlyWhatIsStillKept() throws RtcpException {
        TransportCcRecorder r = new TransportCcRecorder();
        r.onPacket(0, 0);
        int far = TransportCcRecorder.WINDOW + 100;
        for (int s = 4000; s < far; s += 4000) { // steps a sender may take, none reported in between
            r.onPacket(s, s);
        }
        r.onPacket(far, 1000);
        List<TransportCcFeedback> out = r.takeFeedback(1, 2);
        int reported = 0;
        for (TransportCcFeedback f : out) {
            reported += wire(f).packetCount();
        }
        assertTrue(reported <= TransportCcRecorder.WINDOW, reported + " numbers");
        assertEquals(far & 0xFFFF, (wire(out.get(out.size() - 1)).baseSequence()
                + wire(out.get(out.size() - 1)).packetCount() - 1) & 0xFFFF, "the newest is reported");
        assertEquals(0, r.jumps());
    }

    @Test
    void aStrayAbsurdNumberIsCountedAndNotReportedNorIsTheGapBeforeIt() throws RtcpException {
        TransportCcRecorder r = new TransportCcRecorder();
        assertEquals(TransportCcRecorder.Arrival.RECORDED, r.onPacket(1000, 0));
        assertEquals(TransportCcRecorder.Arrival.JUMP, r.onPacket(1000 + 30_000, 100), "30,000 ahead");
        assertEquals(TransportCcRecorder.Arrival.RECORDED, r.onPacket(1001, 1000));
        assertEquals(TransportCcRecorder.Arrival.JUMP, r.onPacket(1002 - 20_000, 1500), "20,000 behind");
        assertEquals(TransportCcRecorder.Arrival.RECORDED, r.onPacket(1002, 2000));
        List<TransportCcFeedback> out = r.takeFeedback(1, 2);
        assertEquals(1, out.size());
        TransportCcFeedback f = wire(out.get(0));
        assertEquals(1000, f.baseSequence());
        assertEquals(3, f.packetCount(), "no loss report for the numbers up to the stray ones");
        assertEquals(3, f.receivedCount());
        assertEquals(2, r.jumps());
        assertEquals(5, r.packets());
    }

    @Test
    void aSenderThatRenumberedIsFollowedOnceTheNextNumberConfirmsIt() throws RtcpException {
        TransportCcRecorder r = new TransportCcRecorder();
        r.onPacket(65_000, 0);
        r.onPacket(65_001, 1000);
        assertEquals(2, wire(r.takeFeedback(1, 2).get(0)).packetCount());
        int moved = 40_000;
        assertEquals(TransportCcRecorder.Arrival.JUMP, r.onPacket(moved, 2000));
        assertEquals(TransportCcRecorder.Arrival.RECORDED, r.onPacket(moved + 1, 3000), "confirms the jump");
        assertEquals(TransportCcRecorder.Arrival.RECORDED, r.onPacket(moved + 3, 4000));
        assertEquals(TransportCcRecorder.Arrival.LATE, r.onPacket(moved, 4500), "before the new start");
        TransportCcFeedback f = wire(r.takeFeedback(1, 2).get(0));
        assertEquals(moved + 1, f.baseSequence());
        assertEquals(3, f.packetCount());
        assertEquals(2, f.receivedCount());
        long[] offsets = new long[3];
        f.arrivalOffsetsMicros(offsets);
        assertEquals(1000, offsets[2] - offsets[0], 250.0);
        assertEquals(2, r.jumps());
        assertEquals(1, r.late());
    }
}
