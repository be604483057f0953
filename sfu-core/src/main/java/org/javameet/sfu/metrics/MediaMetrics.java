package org.javameet.sfu.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.javameet.sfu.rtcp.RtcpError;

/**
 * Every counter of the media plane, registered in one place with help text. The hot path increments
 * pre-resolved Counter objects; no map look-up by name per packet.
 */
public final class MediaMetrics {
    public final Counter packetsIn;
    public final Counter bytesIn;
    public final Counter packetsOut;
    public final Counter bytesOut;
    public final Counter rtpForwarded;
    public final Counter keyframeRequests;
    /** A consumer changed the simulcast layer it forwards (at a keyframe of the new layer). */
    public final Counter layerSwitches;
    /** A subscriber's layers stepped down within 4 s of stepping up (LayerAllocator): the step up did not hold. */
    public final Counter layerOscillations;
    public final Counter nacksReceived;
    public final Counter retransmissions;
    public final Counter nacksSent;
    /** NACKed packets not resent because the same packet went out less than 100 ms ago. */
    public final Counter retransmissionsTooSoon;
    /** NACKed packets not resent because the consumer's retransmission budget was spent. */
    public final Counter retransmissionsOverBudget;
    /** Video packets the pacer held back to spread a burst over time (Pacer). */
    public final Counter pacedPackets;
    /** Paced packets sent past their turn because they had waited the pacer's limit. */
    public final Counter pacedOverdue;
    public final Counter probePaddingBytes;
    public final Counter probesRaised;
    public final Counter probesNoGain;
    public final Counter probesUnmeasured;
    public final Counter dtlsHandshakes;
    /**
     * From the verified ClientHello to the keys on the media loop: the server's crypto on its handshake thread, the
     * flights' round trips and the browser's own work. What a participant waits for between ICE and media.
     */
    public final Timer dtlsHandshakeTime;
    public final Counter dtlsFailures;
    /** ClientHellos dropped because the server runs its maximum of DTLS handshakes (the client retries). */
    public final Counter dtlsRefusedBusy;
    /** Media moved to a new address by a nominated (USE-CANDIDATE), authenticated, fresh check. */
    public final Counter iceAddressChanges;
    /** ClientHellos dropped because the sender's address runs its maximum of DTLS handshakes. */
    public final Counter dtlsRefusedPerAddress;
    /** ClientHellos whose cookie was wrong (another address's, stale or forged): answered with a new cookie only. */
    public final Counter dtlsRefusedBadCookie;
    /** HelloVerifyRequests sent: ClientHellos without a cookie, answered small and forgotten (RFC 6347 §4.2.1). */
    public final Counter dtlsHelloVerifyRequests;
    /** Transport-cc feedback packets from subscribers that parsed. */
    public final Counter transportCcFeedback;
    /** Packets named in transport-cc feedback that the send history did not hold (too old, or never sent). */
    public final Counter transportCcUnmatched;
    /**
     * Each subscriber's send-side bandwidth estimate, sampled once a second: one distribution for all, not a
     * series per participant.
     */
    public final DistributionSummary subscriberBandwidthEstimate;
    /** What publishers are told in REMB (what their receivers need), once a second per publisher with video. */
    public final DistributionSummary publisherRemb;
    /** REMBs sent at once because what a publisher's receivers need changed. */
    public final Counter publisherRembPrompt;
    /** Transport-cc feedback packets sent to publishers. */
    public final Counter transportCcFeedbackSent;
    /** Publisher packets whose transport-wide number came after it was reported (lost), or before the first. */
    public final Counter transportCcArrivalsLate;
    /** Publisher packets whose transport-wide number jumped absurdly far (TransportCcRecorder.MAX_JUMP). */
    public final Counter transportCcArrivalsJump;
    /** Audio packets whose RFC 6464 audio level element was not one byte long: ignored for speaker detection. */
    public final Counter audioLevelMalformed;
    /** ICE restarts completed: a check with the new credentials arrived (RFC 8445 §9). */
    public final Counter iceRestarts;
    /** Transports closed because no valid STUN check came for the consent timeout (RFC 7675). */
    public final Counter consentExpired;
    private final Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
    private final Map<RtcpError, Counter> transportCcRejected = new EnumMap<>(RtcpError.class);
    /** ICE-TCP connections accepted on the media TCP port (refused ones included: see {@link #tcpClosed}). */
    public final Counter tcpAccepted;
    private final Map<TcpCloseReason, Counter> tcpClosed = new EnumMap<>(TcpCloseReason.class);
    private final MeterRegistry registry;

    public MediaMetrics(MeterRegistry registry) {
        this.registry = registry;
        tcpAccepted = Counter.builder("javameet.media.tcp.connections.accepted").description("TCP connections accepted on the ICE-TCP media port").register(registry);
        for (TcpCloseReason r : TcpCloseReason.values()) {
            tcpClosed.put(r, Counter.builder("javameet.media.tcp.connections.closed")
                    .description("ICE-TCP connections refused or closed, by reason")
                    .tag("reason", r.label())
                    .register(registry));
        }
        packetsIn = Counter.builder("javameet.media.packets.received").description("UDP datagrams and ICE-TCP frames received on the media ports").register(registry);
        bytesIn = Counter.builder("javameet.media.bytes.received").baseUnit("bytes").description("UDP and ICE-TCP payload bytes received on the media ports").register(registry);
        packetsOut = Counter.builder("javameet.media.packets.sent").description("UDP datagrams and ICE-TCP frames sent from the media ports").register(registry);
        bytesOut = Counter.builder("javameet.media.bytes.sent").baseUnit("bytes").description("UDP and ICE-TCP payload bytes sent from the media ports").register(registry);
        rtpForwarded = Counter.builder("javameet.media.rtp.forwarded").description("RTP packets forwarded to consumers").register(registry);
        layerSwitches = Counter.builder("javameet.media.layer.switches").description("simulcast layer switches of consumers, each at a keyframe of the new layer").register(registry);
        layerOscillations = Counter.builder("javameet.media.layer.oscillations").description("layer selections that stepped a subscriber down within 4 s of stepping it up").register(registry);
        keyframeRequests = Counter.builder("javameet.media.keyframe.requests").description("PLIs sent to publishers").register(registry);
        nacksReceived = Counter.builder("javameet.media.nacks.received").description("Generic NACK packets received from subscribers").register(registry);
        retransmissions = Counter.builder("javameet.media.retransmissions").description("packets resent from the cache in answer to NACKs").register(registry);
        retransmissionsTooSoon = Counter.builder("javameet.media.retransmissions.refused").description("NACKed packets not resent, by reason: too_soon (resent < 100 ms ago), over_budget (retransmissions limited to half the consumer's rate)").tag("reason", "too_soon").register(registry);
        retransmissionsOverBudget = Counter.builder("javameet.media.retransmissions.refused").description("NACKed packets not resent, by reason: too_soon (resent < 100 ms ago), over_budget (retransmissions limited to half the consumer's rate)").tag("reason", "over_budget").register(registry);
        pacedPackets = Counter.builder("javameet.media.paced.packets").description("video packets to subscribers held back by the pacer (keyframe bursts, retransmissions spread at 2.5 x the subscriber's estimate)").register(registry);
        pacedOverdue = Counter.builder("javameet.media.paced.overdue").description("paced packets sent regardless of the estimate because they had waited 500 ms").register(registry);
        probePaddingBytes = Counter.builder("javameet.media.bwe.probe.padding").baseUnit("bytes").description("padding sent to subscribers in bandwidth probes (RTP padding on their RTX streams)").register(registry);
        String probes = "bandwidth probes of subscribers' paths, by outcome: raised (the estimate rose by 10 % or more), no_gain (measured, at or below the estimate), unmeasured (too few packets acknowledged, or no feedback)";
        probesRaised = Counter.builder("javameet.media.bwe.probes").description(probes).tag("outcome", "raised").register(registry);
        probesNoGain = Counter.builder("javameet.media.bwe.probes").description(probes).tag("outcome", "no_gain").register(registry);
        probesUnmeasured = Counter.builder("javameet.media.bwe.probes").description(probes).tag("outcome", "unmeasured").register(registry);
        nacksSent = Counter.builder("javameet.media.nacks.sent").description("NACKs sent to publishers for packets lost on their uplink").register(registry);
        dtlsHandshakes = Counter.builder("javameet.media.dtls.handshakes").description("DTLS handshakes completed").register(registry);
        dtlsHandshakeTime = Timer.builder("javameet.media.dtls.handshake.duration")
                .description("time from a verified ClientHello to the SRTP keys, per completed DTLS handshake")
                .serviceLevelObjectives(Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(5))
                .register(registry);
        dtlsFailures = Counter.builder("javameet.media.dtls.failures").description("DTLS handshakes failed").register(registry);
        iceAddressChanges = Counter.builder("javameet.media.ice.address.changes").description("transports whose media moved to a new address after the first: a nominated (USE-CANDIDATE), authenticated check with a fresh transaction id from that address").register(registry);
        dtlsRefusedBusy = Counter.builder("javameet.media.dtls.refused").description("DTLS handshake starts refused: busy (limits.maxDtlsHandshakes), per_address (limits.maxDtlsHandshakesPerAddress), both dropped for the browser to retry; bad_cookie (a ClientHello with a wrong cookie, answered with a new HelloVerifyRequest only)").tag("reason", "busy").register(registry);
        audioLevelMalformed = Counter.builder("javameet.media.audio_level.malformed").description("audio packets whose RFC 6464 audio level element had the wrong length; forwarded, but not heard by the dominant speaker detection").register(registry);
        iceRestarts = Counter.builder("javameet.media.ice.restarts").description("ICE restarts completed (a check with the new credentials arrived); DTLS and SRTP carried on").register(registry);
        consentExpired = Counter.builder("javameet.media.consent.expired").description("transports freed because no valid STUN check arrived for 30 s (RFC 7675 consent freshness)").register(registry);
        dtlsRefusedPerAddress = Counter.builder("javameet.media.dtls.refused").description("DTLS handshake starts refused: busy (limits.maxDtlsHandshakes), per_address (limits.maxDtlsHandshakesPerAddress), both dropped for the browser to retry; bad_cookie (a ClientHello with a wrong cookie, answered with a new HelloVerifyRequest only)").tag("reason", "per_address").register(registry);
        dtlsRefusedBadCookie = Counter.builder("javameet.media.dtls.refused").description("DTLS handshake starts refused: busy (limits.maxDtlsHandshakes), per_address (limits.maxDtlsHandshakesPerAddress), both dropped for the browser to retry; bad_cookie (a ClientHello with a wrong cookie, answered with a new HelloVerifyRequest only)").tag("reason", "bad_cookie").register(registry);
        dtlsHelloVerifyRequests = Counter.builder("javameet.media.dtls.hello.verify.requests").description("HelloVerifyRequests sent: ClientHellos without a cookie, answered with 60 bytes and forgotten (no handshake starts)").register(registry);
        transportCcFeedback = Counter.builder("javameet.media.transport_cc.feedback").description("transport-cc feedback packets received from subscribers and parsed").register(registry);
        transportCcUnmatched = Counter.builder("javameet.media.transport_cc.unmatched").description("packets named in transport-cc feedback that the send history no longer (or never) held").register(registry);
        subscriberBandwidthEstimate = DistributionSummary.builder("javameet.media.subscriber.bandwidth.estimate")
                .baseUnit("bits_per_second")
                .description("send-side bandwidth estimate of each subscriber with transport-cc, sampled once a second per subscriber")
                .serviceLevelObjectives(150_000, 300_000, 600_000, 1_000_000, 1_500_000, 2_500_000, 5_000_000, 10_000_000)
                .register(registry);
        publisherRemb = DistributionSummary.builder("javameet.media.publisher.remb")
                .baseUnit("bits_per_second")
                .description("bitrate announced to each publisher in REMB: what its receivers need of its tracks, up to the ceiling; sampled once a second per publisher with video")
                .serviceLevelObjectives(150_000, 300_000, 600_000, 1_000_000, 1_500_000, 2_500_000, 5_000_000, 10_000_000)
                .register(registry);
        publisherRembPrompt = Counter.builder("javameet.media.publisher.remb.prompt").description("REMBs sent to publishers between receiver reports, because what their receivers need changed by more than 5 %").register(registry);
        transportCcFeedbackSent = Counter.builder("javameet.media.transport_cc.feedback.sent").description("transport-cc feedback packets sent to publishers (their own congestion control reacts to their uplink)").register(registry);
        transportCcArrivalsLate = Counter.builder("javameet.media.transport_cc.arrivals.refused").description("publisher packets whose transport-wide number was not recorded: late (already reported as lost, or older than the first), jump (more than 4,096 from the highest seen: a stray or renumbered sender; the gap is not reported as loss)").tag("reason", "late").register(registry);
        transportCcArrivalsJump = Counter.builder("javameet.media.transport_cc.arrivals.refused").description("publisher packets whose transport-wide number was not recorded: late (already reported as lost, or older than the first), jump (more than 4,096 from the highest seen: a stray or renumbered sender; the gap is not reported as loss)").tag("reason", "jump").register(registry);
        for (RtcpError e : RtcpError.values()) {
            transportCcRejected.put(e, Counter.builder("javameet.media.transport_cc.rejected")
                    .description("malformed transport-cc feedback packets skipped, by reason")
                    .tag("reason", e.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        for (DropReason r : DropReason.values()) {
            drops.put(r, Counter.builder("javameet.media.dropped.packets")
                    .description("Packets the media plane dropped, by reason")
                    .tag("reason", r.label())
                    .register(registry));
        }
    }

    /** Metrics that go nowhere, for tests and tools. */
    public static MediaMetrics noop() {
        return new MediaMetrics(new SimpleMeterRegistry());
    }

    public void drop(DropReason reason) {
        drops.get(reason).increment();
    }

    public void transportCcRejected(RtcpError reason) {
        transportCcRejected.get(reason).increment();
    }

    public double transportCcRejectedCount(RtcpError reason) {
        return transportCcRejected.get(reason).count();
    }

    public double dropped(DropReason reason) {
        return drops.get(reason).count();
    }

    public void tcpClosed(TcpCloseReason reason) {
        tcpClosed.get(reason).increment();
    }

    public double tcpClosedCount(TcpCloseReason reason) {
        return tcpClosed.get(reason).count();
    }

    /**
     * Registers a gauge read at scrape time (from the scraping thread, so {@code value} must be thread-safe).
     *
     * @param tags alternating key, value
     */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }
}
