package org.javameet.sfu.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.Map;

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
    public final Counter nacksReceived;
    public final Counter retransmissions;
    public final Counter nacksSent;
    /** NACKed packets not resent because the same packet went out less than 100 ms ago. */
    public final Counter retransmissionsTooSoon;
    /** NACKed packets not resent because the consumer's retransmission budget was spent. */
    public final Counter retransmissionsOverBudget;
    public final Counter dtlsHandshakes;
    public final Counter dtlsFailures;
    /** ClientHellos dropped because the server runs its maximum of DTLS handshakes (the client retries). */
    public final Counter dtlsRefusedBusy;
    /** Media moved to a new address by a nominated (USE-CANDIDATE), authenticated, fresh check. */
    public final Counter iceAddressChanges;
    /** ClientHellos dropped because the sender's address runs its maximum of DTLS handshakes. */
    public final Counter dtlsRefusedPerAddress;
    private final Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);

    public MediaMetrics(MeterRegistry registry) {
        packetsIn = Counter.builder("javameet.media.packets.received").description("UDP datagrams received on the media port").register(registry);
        bytesIn = Counter.builder("javameet.media.bytes.received").baseUnit("bytes").description("UDP payload bytes received on the media port").register(registry);
        packetsOut = Counter.builder("javameet.media.packets.sent").description("UDP datagrams sent from the media port").register(registry);
        bytesOut = Counter.builder("javameet.media.bytes.sent").baseUnit("bytes").description("UDP payload bytes sent from the media port").register(registry);
        rtpForwarded = Counter.builder("javameet.media.rtp.forwarded").description("RTP packets forwarded to consumers").register(registry);
        keyframeRequests = Counter.builder("javameet.media.keyframe.requests").description("PLIs sent to publishers").register(registry);
        nacksReceived = Counter.builder("javameet.media.nacks.received").description("Generic NACK packets received from subscribers").register(registry);
        retransmissions = Counter.builder("javameet.media.retransmissions").description("packets resent from the cache in answer to NACKs").register(registry);
        retransmissionsTooSoon = Counter.builder("javameet.media.retransmissions.refused").description("NACKed packets not resent, by reason: too_soon (resent < 100 ms ago), over_budget (retransmissions limited to half the consumer's rate)").tag("reason", "too_soon").register(registry);
        retransmissionsOverBudget = Counter.builder("javameet.media.retransmissions.refused").description("NACKed packets not resent, by reason: too_soon (resent < 100 ms ago), over_budget (retransmissions limited to half the consumer's rate)").tag("reason", "over_budget").register(registry);
        nacksSent = Counter.builder("javameet.media.nacks.sent").description("NACKs sent to publishers for packets lost on their uplink").register(registry);
        dtlsHandshakes = Counter.builder("javameet.media.dtls.handshakes").description("DTLS handshakes completed").register(registry);
        dtlsFailures = Counter.builder("javameet.media.dtls.failures").description("DTLS handshakes failed").register(registry);
        iceAddressChanges = Counter.builder("javameet.media.ice.address.changes").description("transports whose media moved to a new address after the first: a nominated (USE-CANDIDATE), authenticated check with a fresh transaction id from that address").register(registry);
        dtlsRefusedBusy = Counter.builder("javameet.media.dtls.refused").description("DTLS handshake starts refused (the ClientHello is dropped; browsers retry): busy (limits.maxDtlsHandshakes), per_address (limits.maxDtlsHandshakesPerAddress)").tag("reason", "busy").register(registry);
        dtlsRefusedPerAddress = Counter.builder("javameet.media.dtls.refused").description("DTLS handshake starts refused (the ClientHello is dropped; browsers retry): busy (limits.maxDtlsHandshakes), per_address (limits.maxDtlsHandshakesPerAddress)").tag("reason", "per_address").register(registry);
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

    public double dropped(DropReason reason) {
        return drops.get(reason).count();
    }
}
