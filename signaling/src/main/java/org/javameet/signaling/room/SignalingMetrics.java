package org.javameet.signaling.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Signaling-side metrics: rooms, participants, and rejected messages by error code. */
public final class SignalingMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> sdpRejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> sessionsEnded = new ConcurrentHashMap<>();

    public SignalingMetrics(MeterRegistry registry, RoomRegistry rooms) {
        this.registry = registry;
        Gauge.builder("javameet.rooms", rooms, RoomRegistry::roomCount)
                .description("rooms with at least one participant").register(registry);
        Gauge.builder("javameet.participants", rooms, RoomRegistry::participantCount)
                .description("participants in all rooms").register(registry);
    }

    /** A publish offer's m-section the answer rejected (data channel, no Opus/VP8), by reason. */
    void sdpSectionRejected(String reason) {
        sdpRejected.computeIfAbsent(reason, r -> Counter.builder("javameet.sdp.rejected.sections")
                .description("publish offer m-sections the SFU rejected, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    /** A session the server ended by itself, by reason ({@code token-expired}). */
    void sessionEnded(String reason) {
        sessionsEnded.computeIfAbsent(reason, r -> Counter.builder("javameet.signaling.sessions.ended")
                .description("participants whose session the server ended, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    void rejected(String code) {
        rejected.computeIfAbsent(code, c -> Counter.builder("javameet.signaling.errors")
                .description("signaling messages answered with an error, by error code")
                .tag("code", c).register(registry)).increment();
    }
}
