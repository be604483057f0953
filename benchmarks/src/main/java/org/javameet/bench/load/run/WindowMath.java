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
 * <li>Expected: each joined receiver expects every packet each other publisher of its room sent in the window;
 *     of a simulcast publisher's video, the packets sent in the window of the layers the server forwarded it, as
 *     it forwarded them ({@link #simulcastVideo}).
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
                  long nacksSent, long plisSent, long nacksReceived, long plisReceived, long retransmissions,
                  List<Receiver> receivers) {
    }

    /**
     * One joined receiver's share of the figures.
     *
     * @param index in the snapshot lists
     * @param windowBytes RTP bytes of its window arrivals
     * @param layerNanos simulcast: how long, summed over the publishers it receives, it was forwarded each layer
     *                   inside the window (index = layer, 0 the lowest); empty without simulcast publishers
     * @param switches simulcast: runs of another layer than the one before that began inside the window
     * @param layersAtEnd simulcast: how many of its publishers' videos came on each layer last
     */
    record Receiver(int index, double expected, long delivered, long windowBytes, long[] layerNanos, int switches,
                    int[] layersAtEnd) {
        double lossPercent() {
            return expected > 0 ? Math.max(0, 100.0 * (1 - delivered / expected)) : Double.NaN;
        }
    }

    /** The span of send times the run counted ({@code [fromNanos, toNanos)}, the runtime's measurement window). */
    record Window(long fromNanos, long toNanos) {
        long nanos() {
            return toNanos - fromNanos;
        }
    }

    /**
     * A stretch of a publisher's video with no run at all (nothing forwarded) counts from this long on: shorter
     * pauses are the gaps between frames and between one layer's last packet and the next layer's keyframe.
     */
    static final long UNCOVERED_NANOS = 500_000_000L;
    /** Runs make packets from this long before the window to as long after it (peer-client's ForwardedRuns). */
    static final long RUN_MARGIN_NANOS = 1_000_000_000L;

    /** What one receiver was forwarded of one simulcast publisher's video, by {@link #simulcastVideo}. */
    record VideoShare(double expected, long[] layerNanos, int switches, int lastLayer) {
    }

    /**
     * Simulcast: the packets of the layers a receiver was forwarded of one publisher's video that the publisher sent
     * inside the window. Each run (one layer under one rewrite) spans outgoing sequence numbers, received or lost,
     * from its layer's {@code firstSeq}; its packets inside the window are those between the layer's first window
     * packet and the one after its last ({@link LoadParticipant.LayerWindow}). The arithmetic is on 16-bit sequence
     * numbers, always near a window edge: runs start at most {@link #RUN_MARGIN_NANOS} before it and end at most as
     * long after it, and a run's end is compared with the window's end only when it came within that margin of it.
     * Stretches of the window over {@link #UNCOVERED_NANOS} without any run (nothing forwarded: a stalled or
     * missing video) expect the lowest layer's packets for that time, at its mean rate in the window: the least
     * the server should have sent.
     */
    static VideoShare simulcastVideo(List<LoadParticipant.Run> runs, List<LoadParticipant.LayerWindow> layers,
                                     Window w) {
        int layerCount = 0;
        for (LoadParticipant.LayerWindow l : layers) {
            layerCount = Math.max(layerCount, l.layer() + 1);
        }
        long[] layerNanos = new long[layerCount];
        List<LoadParticipant.Run> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingLong(LoadParticipant.Run::firstSendNanos));
        double expected = 0;
        int switches = 0;
        int lastLayer = -1;
        long coveredUntil = w.fromNanos();
        long uncovered = 0;
        LoadParticipant.Run previous = null;
        for (LoadParticipant.Run r : sorted) {
            LoadParticipant.LayerWindow lw = layerWindow(layers, r.layer());
            if (lw != null && lw.windowSent() > 0 && lw.firstSeq() >= 0) {
                long before = 0;
                if (r.firstSendNanos() < w.fromNanos()) {
                    before = Math.min(r.packets(), (lw.firstSeq() - r.firstSeq()) & 0xFFFF);
                }
                long after = 0;
                if (r.lastSendNanos() >= w.toNanos() - RUN_MARGIN_NANOS) {
                    int last = (int) ((r.firstSeq() + r.packets() - 1) & 0xFFFF);
                    int windowEnd = (int) ((lw.firstSeq() + lw.windowSent()) & 0xFFFF); // the first after it
                    int d = (short) (last - windowEnd);
                    after = d >= 0 ? Math.min(r.packets(), d + 1L) : 0;
                }
                expected += Math.max(0, r.packets() - before - after);
            }
            long a = Math.max(r.firstSendNanos(), w.fromNanos());
            long b = Math.min(r.lastSendNanos(), w.toNanos());
            if (b > a && r.layer() < layerCount) {
                layerNanos[r.layer()] += b - a;
            }
            if (r.firstSendNanos() < w.toNanos()) {
                if (a - coveredUntil > UNCOVERED_NANOS) {
                    uncovered += a - coveredUntil;
                }
                coveredUntil = Math.max(coveredUntil, b);
                lastLayer = r.layer();
            }
            if (previous != null && previous.layer() != r.layer() && r.firstSendNanos() >= w.fromNanos()
                    && r.firstSendNanos() < w.toNanos()) {
                switches++;
            }
            previous = r;
        }
        if (w.toNanos() - coveredUntil > UNCOVERED_NANOS) {
            uncovered += w.toNanos() - coveredUntil;
        }
        if (uncovered > 0) {
            for (LoadParticipant.LayerWindow l : layers) { // lowest first
                if (l.windowSent() > 0) {
                    expected += (double) l.windowSent() * uncovered / w.nanos();
                    break;
                }
            }
        }
        return new VideoShare(expected, layerNanos, switches, lastLayer);
    }

    private static LoadParticipant.LayerWindow layerWindow(List<LoadParticipant.LayerWindow> layers, int layer) {
        for (LoadParticipant.LayerWindow l : layers) {
            if (l.layer() == layer) {
                return l;
            }
        }
        return null;
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
        return compute(rooms, joined, start, end, null);
    }

    /**
     * @param span the send times counted; needed when a publisher sent simulcast (its video is then expected by
     *             {@link #simulcastVideo}), may be null otherwise
     */
    static Result compute(int[] rooms, boolean[] joined, List<LoadParticipant.Snapshot> start,
                          List<LoadParticipant.Snapshot> end, Window span) {
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
        List<Receiver> receivers = new ArrayList<>();
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
            double mine = sentInRoom[rooms[i]] - b.windowSent();
            long[] layerNanos = new long[0];
            int switches = 0;
            int[] atEnd = new int[0];
            for (int j = 0; j < n; j++) { // a simulcast publisher's video: the layers this receiver was given
                LoadParticipant.Snapshot pub = end.get(j);
                if (j == i || rooms[j] != rooms[i] || !pub.simulcast()) {
                    continue;
                }
                if (span == null) {
                    throw new IllegalArgumentException("simulcast publishers need the window to be counted");
                }
                List<LoadParticipant.Run> runs = new ArrayList<>();
                for (LoadParticipant.TrackSnapshot t : b.tracks()) {
                    if (t.video() && t.senderId() == pub.senderId()) {
                        runs.addAll(t.runs());
                    }
                }
                VideoShare v = simulcastVideo(runs, pub.videoLayers(), span);
                for (LoadParticipant.LayerWindow l : pub.videoLayers()) {
                    mine -= l.windowSent();
                }
                mine += v.expected();
                if (layerNanos.length < v.layerNanos().length) {
                    layerNanos = java.util.Arrays.copyOf(layerNanos, v.layerNanos().length);
                    atEnd = java.util.Arrays.copyOf(atEnd, v.layerNanos().length);
                }
                for (int k = 0; k < v.layerNanos().length; k++) {
                    layerNanos[k] += v.layerNanos()[k];
                }
                if (v.lastLayer() >= 0 && v.lastLayer() < atEnd.length) {
                    atEnd[v.lastLayer()]++;
                }
                switches += v.switches();
            }
            long got = 0;
            long bytes = 0;
            for (LoadParticipant.TrackSnapshot t1 : b.tracks()) {
                LoadParticipant.TrackSnapshot t0 = a.track(t1.key());
                arrivals += t1.windowArrivals();
                got += t1.windowDelivered();
                bytes += t1.windowBytes();
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
            receivers.add(new Receiver(i, mine, got, bytes, layerNanos, switches, atEnd));
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
                nacksSent, plisSent, nacksReceived, plisReceived, rtx, List.copyOf(receivers));
    }
}
