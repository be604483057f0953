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
    private final Map<String, Counter> sessionsEnded = new ConcurrentHashMap<>();

    public SignalingMetrics(MeterRegistry registry, RoomRegistry rooms) {
        this.registry = registry;
        Gauge.builder("javameet.rooms", rooms, RoomRegistry::roomCount)
                .description("rooms with at least one participant").register(registry);
        Gauge.builder("javameet.participants", rooms, RoomRegistry::participantCount)
                .description("participants in all rooms").register(registry);
        for (ConnectionKind kind : ConnectionKind.values()) {
            Gauge.builder("javameet.participants.by.connection", rooms, r -> r.participantsConnectedAs(kind))
                    .description("participants by how their media reaches the server: udp, tcp (ICE-TCP), relay-udp, "
                            + "relay-tcp, relay-tls (through TURN, reached over that protocol; the client's report). "
                            + "Someone whose two connections differ counts once, as the more indirect one")
                    .tag("type", kind.label()).register(registry);
        }
        for (String reason : RoomRegistry.REMOVAL_REASONS) {
            FunctionCounter.builder("javameet.participants.removed", rooms,
                            r -> r.removals(reason))
                    .description("participants removed, by reason: left, kicked, resume_expired (socket gone and no "
                            + "resume within the grace period), consent_expired (media consent expired and they did "
                            + "not come back), media_failed, disconnected (admitted from the lobby while leaving)")
                    .tag("reason", reason).register(registry);
        }
        resumes = Counter.builder("javameet.participants.resumed")
                .description("participants taken over on a new signaling connection with their resume token")
                .register(registry);
        FunctionCounter.builder("javameet.turn.credentials.issued", rooms.iceServers(), IceServers::issuedCount)
                .description("TURN credentials handed to participants (in joined and on refreshIceServers)")
                .register(registry);
    }

    private final Counter resumes;

    void resumed() {
        resumes.increment();
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
