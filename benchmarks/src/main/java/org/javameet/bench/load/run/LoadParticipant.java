package org.javameet.bench.load.run;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One emulated participant, whatever it talks to. The harness joins it, polls {@link #traffic} every second
 * for the progress line (cheap), and takes two {@link #snapshot}s (full, with latency samples) that bracket the
 * measured window.
 */
public interface LoadParticipant extends AutoCloseable {
    String name();

    boolean publishes();

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
    record Traffic(long datagramsSent, long datagramsReceived) {
        public static final Traffic NONE = new Traffic(0, 0);
    }

    /**
     * @param senderId the id this participant's media stamps carry (0 when it does not publish)
     * @param joinStartNanos when the join began ({@link System#nanoTime}); for Janus, when subscribing began
     * @param firstMediaNanos the first media packet received on any track, 0 before any
     * @param mediaSent RTP media packets published (retransmissions not counted)
     */
    record Snapshot(int senderId, long joinStartNanos, long firstMediaNanos, long mediaSent, long nacksReceived,
                    long plisReceived, long retransmissionsSent, List<TrackSnapshot> tracks) {
        public static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0, 0, 0, 0, List.of());

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
     * @param packets media packets received (retransmissions not counted)
     * @param lost expected minus distinct sequence numbers (RFC 3550 A.3), after repair by retransmission
     * @param latencyNanos the latest one-way delays, oldest first; the last of them belong to the last packets
     */
    record TrackSnapshot(String key, int senderId, boolean video, long firstPacketNanos, long packets, long lost,
                         long nacksSent, long plisSent, long retransmissions, long[] latencyNanos) {
    }
}
