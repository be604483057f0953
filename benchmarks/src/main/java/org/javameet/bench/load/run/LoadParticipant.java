package org.javameet.bench.load.run;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One emulated participant, whatever it talks to. The harness joins it, polls {@link #traffic} every second
 * for the progress line and the steady-state check (cheap), and takes a {@link #snapshot} as the measured
 * window opens and one after it closed (full, with latency samples), see {@code WindowMath}.
 */
public interface LoadParticipant extends AutoCloseable {
    /** Where this participant sits: its room, its name there, whether it publishes. */
    record Seat(String room, String name, boolean publisher) {
    }

    Seat seat();

    /** {@code room/name}, for logs. */
    default String name() {
        return seat().room() + "/" + seat().name();
    }

    default boolean publishes() {
        return seat().publisher();
    }

    /**
     * How its media reaches the server, where a run mixes paths ({@code udp}, {@code tcp}: javameet with
     * {@code --tcp-share}); null for targets that have one path. The report splits receivers by it.
     */
    default String path() {
        return null;
    }

    /** Joins (and starts publishing when a publisher); completes when media can flow. */
    CompletableFuture<?> join();

    /** Datagrams sent and received so far; any thread, cheap. */
    Traffic traffic();

    /** Everything measured so far; any thread. */
    Snapshot snapshot();

    /** Leaves and closes; idempotent, does not throw. */
    @Override
    void close();

    /**
     * Transport-level datagram counters (media, RTCP and STUN together): {@code datagramsSent} on the publish
     * side only, {@code datagramsReceived} on the subscribe side, so the progress line can compare them.
     */
    /**
     * When each step of this participant's join happened, as nanoseconds since its join start, in order (peer-client's
     * {@link org.javameet.peer.JoinTimeline#sinceStart}); empty for targets that do not record them.
     */
    default java.util.Map<String, Long> joinSteps() {
        return java.util.Map.of();
    }

    /** The receive-rate cap of this participant's downlink in bits/s ({@code --receiver-cap}), 0 when none. */
    default long receiveCapBps() {
        return 0;
    }

    /** Datagrams its receive-rate cap dropped so far. */
    default long receiveCapDropped() {
        return 0;
    }

    /**
     * The server's send-side estimate for this participant's downlink over {@code [fromNanos, toNanos)}: the
     * time-weighted mean and the last value before {@code toNanos}, in bits/s; NaN when the server gave none.
     */
    default double[] serverEstimateBps(long fromNanos, long toNanos) {
        return new double[] {Double.NaN, Double.NaN};
    }

    record Traffic(long datagramsSent, long datagramsReceived) {
        public static final Traffic NONE = new Traffic(0, 0);
    }

    /**
     * Counts under the harness's rules: "window" counts are of media packets whose send time (the sender's clock,
     * or the stamp a receiver reads) lies in the run's {@link org.javameet.peer.MeasurementWindow}.
     *
     * @param senderId the id this participant's media stamps carry (0 when it does not publish)
     * @param joinStartNanos when the join began ({@link System#nanoTime}); for Janus, when subscribing began
     * @param firstMediaNanos the first media packet received on any track, 0 before any
     * @param mediaSent RTP media packets published so far (retransmissions not counted)
     * @param windowSent of those, the ones sent inside the window
     */
    record Snapshot(int senderId, long joinStartNanos, long firstMediaNanos, long mediaSent, long windowSent,
                    long nacksReceived, long plisReceived, long retransmissionsSent, List<TrackSnapshot> tracks,
                    List<LayerWindow> videoLayers) {
        public static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, List.of());

        /** A participant whose video, if any, is one stream. */
        public Snapshot(int senderId, long joinStartNanos, long firstMediaNanos, long mediaSent, long windowSent,
                        long nacksReceived, long plisReceived, long retransmissionsSent, List<TrackSnapshot> tracks) {
            this(senderId, joinStartNanos, firstMediaNanos, mediaSent, windowSent, nacksReceived, plisReceived,
                    retransmissionsSent, tracks, List.of());
        }

        /** Whether its camera went out as simulcast layers. */
        boolean simulcast() {
            return videoLayers.size() > 1;
        }

        TrackSnapshot track(String key) {
            for (TrackSnapshot t : tracks) {
                if (t.key().equals(key)) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * One received track.
     *
     * @param key stable across snapshots (publisher and kind)
     * @param senderId the publisher's stamp id, from the last packet's stamp (0 before any)
     * @param packets media packets received so far, any time (to tell that media flows)
     * @param windowArrivals media packets stamped inside the window, retransmissions (RTX or not) included
     * @param windowDelivered of those, distinct sequence numbers (a repaired gap once, a duplicate never)
     * @param windowRetransmissions of those, RTX packets and same-stream packets that came late or again
     * @param latencyNanos one-way delays of the delivered window packets, oldest first
     * @param windowBytes RTP bytes of the window's arrivals (the delivered bitrate)
     * @param runs video: which layer the server forwarded when (simulcast accounting); empty otherwise
     */
    record TrackSnapshot(String key, int senderId, boolean video, long firstPacketNanos, long packets,
                         long windowArrivals, long windowDelivered, long windowRetransmissions, long nacksSent,
                         long plisSent, long[] latencyNanos, long windowBytes, List<Run> runs) {
        /** A track without byte counts or runs (targets and tests that do not need them). */
        public TrackSnapshot(String key, int senderId, boolean video, long firstPacketNanos, long packets,
                             long windowArrivals, long windowDelivered, long windowRetransmissions, long nacksSent,
                             long plisSent, long[] latencyNanos) {
            this(key, senderId, video, firstPacketNanos, packets, windowArrivals, windowDelivered,
                    windowRetransmissions, nacksSent, plisSent, latencyNanos, 0, List.of());
        }
    }

    /**
     * One simulcast layer a publisher sent, over the window: its packets there are {@code windowSent} consecutive
     * sequence numbers from {@code firstSeq}.
     *
     * @param layer 0 the lowest
     * @param firstSeq the first window packet's sequence number (16 bits), -1 when it sent none
     */
    record LayerWindow(int layer, int firstSeq, long windowSent) {
    }

    /**
     * A stretch of one video track a receiver got from one layer under one rewrite (peer-client's
     * {@code ForwardedRun}): {@code packets} outgoing sequence numbers, received or lost, from the layer's
     * {@code firstSeq} on, sent between {@code firstSendNanos} and {@code lastSendNanos}.
     */
    record Run(int layer, int firstSeq, long packets, long firstSendNanos, long lastSendNanos) {
    }
}
