package org.javameet.bench.load.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the snapshots of a run into its figures, by the harness's counting rules (the same for every target):
 * <ul>
 * <li>Only packets <em>sent</em> inside the measurement window count, at both ends: publishers count what they
 *     sent in it, receivers what arrived stamped with a send time in it (whenever it arrived, so the last
 *     snapshot is taken after a grace period). Nothing sent before the window can be delivered in it, so
 *     delivered never exceeds expected.</li>
 * <li>Expected: each joined receiver expects every packet each other publisher of its room sent in the window.
 *     Delivered: distinct sequence numbers that arrived (a gap repaired by a retransmission counts once).
 *     Loss: 1 - delivered / expected, whatever the cause (dropped, never repaired, never subscribed).</li>
 * <li>Forwarded (the CPU-per-packet denominator): every media packet that arrived from the window, so
 *     retransmissions count whether they came on an RTX stream (javameet) or the media SSRC (Janus); they are
 *     also reported on their own.</li>
 * <li>NACK and PLI counts are the difference between the snapshot taken as the window opened and the last.</li>
 * </ul>
 * Pure: no clocks, no I/O.
 */
final class WindowMath {
    private WindowMath() {
    }

    /**
     * @param arrivals media packets received from the window, retransmissions included
     * @param delivered distinct packets received from the window
     * @param joinMs p50, p95, max of join time (join sent to first media packet received)
     * @param latencyMs p50, p95, p99, max
     */
    record Result(long sent, long arrivals, long delivered, double expected, double lossPercent,
                  double worstLossPercent, double[] joinMs, double[] latencyMs, double jitterMs, long latencySamples,
                  long nacksSent, long plisSent, long nacksReceived, long plisReceived, long retransmissions) {
    }

    /**
     * Join time of one receiver: to its first media packet, counted from when both it and that packet's
     * publisher had started joining (a participant that joins before anyone publishes does not wait for others'
     * ramp-up). NaN when nothing arrived.
     */
    static double joinMillis(LoadParticipant.Snapshot s, Map<Integer, Long> publisherJoin) {
        double best = Double.NaN;
        for (LoadParticipant.TrackSnapshot t : s.tracks()) {
            if (t.firstPacketNanos() == 0 || s.joinStartNanos() == 0) {
                continue;
            }
            long from = Math.max(s.joinStartNanos(), publisherJoin.getOrDefault(t.senderId(), 0L));
            double ms = (t.firstPacketNanos() - from) / 1e6;
            if (Double.isNaN(best) || ms < best) {
                best = ms;
            }
        }
        return best;
    }

    /**
     * @param rooms each participant's room (index into the same list as the snapshots)
     * @param joined whether each participant's join succeeded (the others expect nothing)
     * @param start snapshots taken as the window opened (for the NACK and PLI counters)
     * @param end snapshots taken after the window closed and in-flight packets had time to arrive
     */
    static Result compute(int[] rooms, boolean[] joined, List<LoadParticipant.Snapshot> start,
                          List<LoadParticipant.Snapshot> end) {
        int n = end.size();
        int roomCount = 0;
        for (int r : rooms) {
            roomCount = Math.max(roomCount, r + 1);
        }
        long[] sentInRoom = new long[roomCount];
        long sent = 0;
        Map<Integer, Long> publisherJoin = new HashMap<>();
        for (int i = 0; i < n; i++) {
            LoadParticipant.Snapshot s = end.get(i);
            sentInRoom[rooms[i]] += s.windowSent();
            sent += s.windowSent();
            if (s.senderId() != 0) {
                publisherJoin.put(s.senderId(), s.joinStartNanos());
            }
        }
        long arrivals = 0;
        long delivered = 0;
        double expected = 0;
        double worst = 0;
        long nacksSent = 0;
        long plisSent = 0;
        long nacksReceived = 0;
        long plisReceived = 0;
        long rtx = 0;
        List<long[]> latencies = new ArrayList<>();
        double jitterSum = 0;
        long jitterWeight = 0;
        List<Double> joins = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LoadParticipant.Snapshot a = start.get(i);
            LoadParticipant.Snapshot b = end.get(i);
            nacksReceived += b.nacksReceived() - a.nacksReceived();
            plisReceived += b.plisReceived() - a.plisReceived();
            if (!joined[i]) {
                continue;
            }
            double join = joinMillis(b, publisherJoin);
            if (!Double.isNaN(join)) {
                joins.add(join);
            }
            long mine = sentInRoom[rooms[i]] - b.windowSent();
            long got = 0;
            for (LoadParticipant.TrackSnapshot t1 : b.tracks()) {
                LoadParticipant.TrackSnapshot t0 = a.track(t1.key());
                arrivals += t1.windowArrivals();
                got += t1.windowDelivered();
                rtx += t1.windowRetransmissions();
                nacksSent += t1.nacksSent() - (t0 == null ? 0 : t0.nacksSent());
                plisSent += t1.plisSent() - (t0 == null ? 0 : t0.plisSent());
                long[] window = t1.latencyNanos();
                if (window.length > 0) {
                    latencies.add(window);
                    double j = Percentiles.meanDelayVariation(window);
                    if (!Double.isNaN(j)) {
                        jitterSum += j * (window.length - 1);
                        jitterWeight += window.length - 1;
                    }
                }
            }
            delivered += got;
            expected += mine;
            if (mine > 0) {
                worst = Math.max(worst, 100.0 * Math.max(0, mine - got) / mine);
            }
        }
        int total = 0;
        for (long[] l : latencies) {
            total += l.length;
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 0, all, at, l.length);
            at += l.length;
        }
        long[] sorted = Percentiles.sorted(all);
        double[] latencyMs = {Percentiles.quantile(sorted, 0.50) / 1e6, Percentiles.quantile(sorted, 0.95) / 1e6,
                Percentiles.quantile(sorted, 0.99) / 1e6, Percentiles.quantile(sorted, 1.0) / 1e6};
        long[] joinMicros = new long[joins.size()];
        for (int i = 0; i < joinMicros.length; i++) {
            joinMicros[i] = Math.round(joins.get(i) * 1000);
        }
        long[] js = Percentiles.sorted(joinMicros);
        double[] joinMs = {Percentiles.quantile(js, 0.5) / 1e3, Percentiles.quantile(js, 0.95) / 1e3,
                Percentiles.quantile(js, 1.0) / 1e3};
        double lossPercent = expected > 0 ? Math.max(0, 100.0 * (1 - delivered / expected)) : Double.NaN;
        double jitterMs = jitterWeight > 0 ? jitterSum / jitterWeight / 1e6 : Double.NaN;
        return new Result(sent, arrivals, delivered, expected, lossPercent, worst, joinMs, latencyMs, jitterMs, total,
                nacksSent, plisSent, nacksReceived, plisReceived, rtx);
    }
}
