package org.javameet.bench.load.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the two snapshots that bracket the measured window into the run's figures. Pure: no clocks, no I/O.
 */
final class WindowMath {
    private WindowMath() {
    }

    /**
     * @param joinMs p50, p95, max of join time (join sent to first media packet received)
     * @param latencyMs p50, p95, p99, max
     */
    record Result(long sent, long received, double expected, double lossPercent, double worstLossPercent,
                  double[] joinMs, double[] latencyMs, double jitterMs, long latencySamples, long nacksSent,
                  long plisSent, long nacksReceived, long plisReceived, long retransmissions) {
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

    static Result compute(List<LoadParticipant> participants, Map<LoadParticipant, Integer> roomOf,
                          List<LoadParticipant.Snapshot> start, List<LoadParticipant.Snapshot> end) {
        int rooms = 0;
        for (Integer r : roomOf.values()) {
            rooms = Math.max(rooms, r + 1);
        }
        int[] roomSize = new int[rooms];
        for (LoadParticipant p : participants) {
            roomSize[roomOf.get(p)]++;
        }
        long sent = 0;
        long received = 0;
        long lost = 0;
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
        Map<Integer, Long> publisherJoin = new java.util.HashMap<>();
        for (LoadParticipant.Snapshot s : end) {
            if (s.senderId() != 0) {
                publisherJoin.put(s.senderId(), s.joinStartNanos());
            }
        }
        for (int i = 0; i < participants.size(); i++) {
            LoadParticipant.Snapshot a = start.get(i);
            LoadParticipant.Snapshot b = end.get(i);
            long ds = b.mediaSent() - a.mediaSent();
            sent += ds;
            expected += (double) ds * (roomSize[roomOf.get(participants.get(i))] - 1);
            nacksReceived += b.nacksReceived() - a.nacksReceived();
            plisReceived += b.plisReceived() - a.plisReceived();
            double join = joinMillis(b, publisherJoin);
            if (!Double.isNaN(join)) {
                joins.add(join);
            }
            long rxPackets = 0;
            long rxLost = 0;
            for (LoadParticipant.TrackSnapshot t1 : b.tracks()) {
                LoadParticipant.TrackSnapshot t0 = a.track(t1.key());
                long dp = t1.packets() - (t0 == null ? 0 : t0.packets());
                long dl = t1.lost() - (t0 == null ? 0 : t0.lost());
                rxPackets += dp;
                rxLost += Math.max(0, dl);
                nacksSent += t1.nacksSent() - (t0 == null ? 0 : t0.nacksSent());
                plisSent += t1.plisSent() - (t0 == null ? 0 : t0.plisSent());
                rtx += t1.retransmissions() - (t0 == null ? 0 : t0.retransmissions());
                long[] window = Percentiles.last(t1.latencyNanos(), dp);
                if (window.length > 0) {
                    latencies.add(window);
                    double j = Percentiles.meanDelayVariation(window);
                    if (!Double.isNaN(j)) {
                        jitterSum += j * (window.length - 1);
                        jitterWeight += window.length - 1;
                    }
                }
            }
            received += rxPackets;
            lost += rxLost;
            if (rxPackets + rxLost > 0) {
                worst = Math.max(worst, 100.0 * rxLost / (rxPackets + rxLost));
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
        double lossPercent = received + lost > 0 ? 100.0 * lost / (received + lost) : Double.NaN;
        double jitterMs = jitterWeight > 0 ? jitterSum / jitterWeight / 1e6 : Double.NaN;
        return new Result(sent, received, expected, lossPercent, worst, joinMs, latencyMs, jitterMs, total,
                nacksSent, plisSent, nacksReceived, plisReceived, rtx);
    }
}
