package org.javameet.signaling.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.javameet.signaling.turn.IceServers;

/** Signaling-side metrics: rooms, participants, rejected messages by error code, TURN credentials issued. */
public final class SignalingMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> sdpRejected = new ConcurrentHashMap<>();

    public SignalingMetrics(MeterRegistry registry, RoomRegistry rooms) {
        this.registry = registry;
        Gauge.builder("javameet.rooms", rooms, RoomRegistry::roomCount)
                .description("rooms with at least one participant").register(registry);
        Gauge.builder("javameet.participants", rooms, RoomRegistry::participantCount)
                .description("participants in all rooms").register(registry);
        FunctionCounter.builder("javameet.turn.credentials.issued", rooms.iceServers(), IceServers::issuedCount)
                .description("TURN credentials handed to participants (in joined and on refreshIceServers)")
                .register(registry);
    }

    /** A publish offer's m-section the answer rejected (data channel, no Opus/VP8), by reason. */
    void sdpSectionRejected(String reason) {
        sdpRejected.computeIfAbsent(reason, r -> Counter.builder("javameet.sdp.rejected.sections")
                .description("publish offer m-sections the SFU rejected, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    void rejected(String code) {
        rejected.computeIfAbsent(code, c -> Counter.builder("javameet.signaling.errors")
                .description("signaling messages answered with an error, by error code")
                .tag("code", c).register(registry)).increment();
    }
}
