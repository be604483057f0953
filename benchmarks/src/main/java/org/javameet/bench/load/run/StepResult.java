package org.javameet.bench.load.run;

import java.util.List;

/**
 * What one run (one target at one step) measured over its window: the report's row. Rates are per second of
 * the window; latencies in milliseconds; NaN where a figure does not apply (no server pid, no metrics).
 *
 * Counting rules: {@link WindowMath}. Only packets sent inside the window count, at both ends.
 *
 * @param sentPps media packets the publishers sent in the window, per second
 * @param forwardedPps media packets from the window the receivers got, retransmissions included (RTX or not,
 *                     the same for every target), per second: what the SFU forwarded and delivered
 * @param serverForwardedPps the server's own forwarded-packet counter (javameet's /metrics), per second
 * @param expectedPps what the receivers should have got: each publisher's packets times its room's other members
 * @param lossPercent 1 - delivered / expected, after repair by retransmission
 * @param deliveryPercent distinct packets delivered over expected (never above 100)
 * @param jitterMs mean |difference| of consecutive one-way delays per track (RFC 3550 D without smoothing)
 * @param retransmissionsReceived retransmitted packets from the window that arrived (RTX, or late/again on the
 *                                media SSRC)
 * @param cpuSecondsPerMillion the headline: SFU CPU-seconds per million forwarded packets
 * @param sfuCpuPercent of one core; the machine has {@code cores * 100}
 * @param harnessCpuPercent the harness JVM's own CPU over the same window, of one core: it shares the machine
 * @param deliveredPps distinct packets from the window delivered, per second
 * @param steadyAfterSeconds how long the window waited for steady rates once media flowed everywhere; NaN when
 *                           they never settled (the window opened anyway after the limit)
 * @param unsteadyWindowSeconds seconds of the window in which the rates were not steady (a sender's timers
 *                              catching up, a starved harness): non-zero means a disturbed measurement
 * @param pinning the CPUs target and harness were pinned to ({@code any} when not)
 * @param note what the reader should know about this target's build (Janus: its SRTP library's crypto)
 * @param byPath the receivers' figures split by how their media reaches the server, when the run mixed paths
 *               ({@code --tcp-share}); empty otherwise
 * @param joinStages where the joins' time went, step by step (javameet; empty for other targets)
 * @param simulcastLayers layers each publisher's camera went out as (1: one stream)
 * @param receivers per receiver, when the run had simulcast or capped receivers; empty otherwise
 */
public record StepResult(String target, int rooms, int participantsPerRoom, int publishersPerRoom, int videoKbps,
                         int fps, double lossInjectedPercent, double windowSeconds, int participants, int joined,
                         double joinMsP50, double joinMsP95, double joinMsMax,
                         double sentPps, double forwardedPps, double serverForwardedPps, double expectedPps,
                         double lossPercent, double worstReceiverLossPercent, double deliveryPercent,
                         double latencyMsP50, double latencyMsP95, double latencyMsP99, double latencyMsMax,
                         double jitterMs, long latencySamples,
                         long nacksSent, long plisSent, long nacksReceivedByPublishers,
                         long plisReceivedByPublishers, long retransmissionsReceived,
                         double sfuCpuSeconds, double sfuCpuPercent, double sfuRssMbMax, double cpuSecondsPerMillion,
                         double harnessCpuPercent, double deliveredPps, double steadyAfterSeconds, int unsteadyWindowSeconds,
                         String pinning,
                         String note, String error, List<Progress> timeline, List<PathFigures> byPath,
                         JoinStages joinStages, int simulcastLayers, List<ReceiverFigures> receivers) {

    /** A run without simulcast and without per-receiver figures. */
    public StepResult(String target, int rooms, int participantsPerRoom, int publishersPerRoom, int videoKbps,
                      int fps, double lossInjectedPercent, double windowSeconds, int participants, int joined,
                      double joinMsP50, double joinMsP95, double joinMsMax,
                      double sentPps, double forwardedPps, double serverForwardedPps, double expectedPps,
                      double lossPercent, double worstReceiverLossPercent, double deliveryPercent,
                      double latencyMsP50, double latencyMsP95, double latencyMsP99, double latencyMsMax,
                      double jitterMs, long latencySamples,
                      long nacksSent, long plisSent, long nacksReceivedByPublishers,
                      long plisReceivedByPublishers, long retransmissionsReceived,
                      double sfuCpuSeconds, double sfuCpuPercent, double sfuRssMbMax, double cpuSecondsPerMillion,
                      double harnessCpuPercent, double deliveredPps, double steadyAfterSeconds, int unsteadyWindowSeconds,
                      String pinning, String note, String error, List<Progress> timeline, List<PathFigures> byPath,
                      JoinStages joinStages) {
        this(target, rooms, participantsPerRoom, publishersPerRoom, videoKbps, fps, lossInjectedPercent, windowSeconds,
                participants, joined, joinMsP50, joinMsP95, joinMsMax, sentPps, forwardedPps, serverForwardedPps,
                expectedPps, lossPercent, worstReceiverLossPercent, deliveryPercent, latencyMsP50, latencyMsP95,
                latencyMsP99, latencyMsMax, jitterMs, latencySamples, nacksSent, plisSent, nacksReceivedByPublishers,
                plisReceivedByPublishers, retransmissionsReceived, sfuCpuSeconds, sfuCpuPercent, sfuRssMbMax,
                cpuSecondsPerMillion, harnessCpuPercent, deliveredPps, steadyAfterSeconds, unsteadyWindowSeconds,
                pinning, note, error, timeline, byPath, joinStages, 1, List.of());
    }

    /**
     * One receiver over the window ({@code --simulcast}, {@code --receiver-cap}): what it got and what the server
     * thought it could take.
     *
     * @param name room/name
     * @param capKbps its downlink's cap, 0 when uncapped
     * @param deliveredKbps RTP bits of its window arrivals per second of the window (all tracks, retransmissions too)
     * @param lossPercent 1 - delivered / expected for this receiver (simulcast: of the layers it was forwarded)
     * @param layersAtEnd the layer each publisher's video last came on, as counts: {@code r2 x4, r0 x1}
     * @param layerTime how the window's video time (over its publishers) went to each layer: {@code r0 20 %, r2 80 %}
     * @param switches layer changes that began inside the window, over all its publishers' videos
     * @param estimateKbps the server's send-side estimate for it: mean over the window (time-weighted), NaN when none
     * @param estimateLastKbps the last estimate the server sent it before the window closed
     * @param capDropped datagrams its cap dropped, over the whole run
     */
    public record ReceiverFigures(String name, long capKbps, double deliveredKbps, double lossPercent,
                                  String layersAtEnd, String layerTime, int switches, double estimateKbps,
                                  double estimateLastKbps, long capDropped) {
    }

    /**
     * One group of receivers (those whose media goes one way, e.g. over ICE-TCP) over the same window, by the same
     * rules ({@code WindowMath}): what they got of everything sent in the window. The server's CPU is not split:
     * it is one process; compare runs ({@code javameet} against {@code javameet-tcp}) for that.
     */
    public record PathFigures(String path, int receivers, double forwardedPps, double deliveryPercent,
                              double lossPercent, double latencyMsP50, double latencyMsP95, double latencyMsP99,
                              double latencyMsMax) {
    }

    /** One progress line (one second). */
    public record Progress(double t, int connected, double sentPps, double receivedPps, double lossPercent,
                           double sfuCpuPercent, double sfuRssMb, double harnessCpuPercent) {
    }

    static StepResult failed(String target, LoadOptions o, int perRoom, String error) {
        double nan = Double.NaN;
        return new StepResult(target, o.rooms(), perRoom, o.publishersAt(perRoom), o.videoKbps(), o.fps(),
                o.lossPercent(), 0, perRoom * o.rooms(), 0, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan,
                nan, nan, nan, nan, nan, 0, 0, 0, 0, 0, 0, nan, nan, nan, nan, nan, nan, nan, 0, o.pinning(), null, error,
                List.of(), List.of(), JoinStages.NONE, o.simulcast(), List.of());
    }
}
