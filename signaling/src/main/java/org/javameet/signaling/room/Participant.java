package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.javameet.signaling.http.WebSocketSession;

/**
 * One person in a room, as signaling sees them. Guarded by the room's lock; their media is the room's
 * MediaRoom's business, under the same id.
 */
public final class Participant {
    private final String id;
    private final Room room;
    /** The current signaling connection; a resume replaces it (under the room's lock; read without it too). */
    private volatile WebSocketSession session;
    private String displayName;
    private boolean audioMuted;
    private boolean videoMuted;
    private boolean moderator;
    private boolean handRaised;
    /** Whoever holds this may take the participant over on a new connection (once: a resume issues a new one). */
    private String resumeToken;
    /** The socket dropped (or media consent expired): kept for the grace period, then removed. */
    private boolean reconnecting;
    /** Removal at the end of the grace period, or null. */
    private java.util.concurrent.ScheduledFuture<?> removal;
    /** Why {@link #removal} was armed: the metrics label of a removal that happens. */
    private String removalReason;
    /** A media transport was closed under them (consent expired, DTLS failed): said again after a resume. */
    private String mediaFailure;
    /**
     * How their media reaches the server, for display: the {@link ConnectionKind} labels of their connections,
     * distinct, joined by "+" ("udp", "relay-tls", "udp+tcp"); null before ICE.
     */
    private String connection;
    /** The most indirect of their connections' kinds (what {@code /metrics} counts them as), or null before ICE. */
    private ConnectionKind connectionKind;
    /** The client's last {@code mediaPath} report per connection ("publish", "subscribe"). */
    private final Map<String, MediaPathReport> pathReports = new java.util.HashMap<>(2);
    /** The token's {@code context.features.recording}: true may record, false may not; null: moderators may. */
    private Boolean recordingClaim;
    /** When the token they joined with expires (their session then ends, on whichever socket they are), or null. */
    private volatile java.time.Instant tokenExpiresAt;

    /** What each published track shows (camera, microphone, screen), by mid. */
    private Map<String, String> trackSources = Map.of();
    final long joinedAtNanos = System.nanoTime();
    static final long ESTIMATE_REFRESH_MS = 5000;
    private long estimateSent = -1;
    private long estimateSentAtNanos;

    Participant(String id, Room room, WebSocketSession session, String displayName, boolean audioMuted,
                boolean videoMuted) {
        this.id = id;
        this.room = room;
        this.session = session;
        this.displayName = displayName;
        this.audioMuted = audioMuted;
        this.videoMuted = videoMuted;
    }

    public String id() { return id; }
    Room room() { return room; }
    public String displayName() { return displayName; }
    public boolean audioMuted() { return audioMuted; }
    public boolean videoMuted() { return videoMuted; }
    public boolean moderator() { return moderator; }
    public boolean handRaised() { return handRaised; }
    public String connection() { return connection; }
    ConnectionKind connectionKind() { return connectionKind; }

    /** Sets how they connect; true when that changed (others should hear of it). */
    boolean connection(String label, ConnectionKind kind) {
        boolean changed = !java.util.Objects.equals(label, connection);
        this.connection = label;
        this.connectionKind = kind;
        return changed;
    }

    MediaPathReport pathReport(String which) { return pathReports.get(which); }
    void pathReport(MediaPathReport report) { pathReports.put(report.connection(), report); }
    /** True while one of the published tracks is a screen. */
    public boolean screenSharing() { return trackSources.containsValue(TrackSources.SCREEN); }
    WebSocketSession session() { return session; }
    void session(WebSocketSession s) { this.session = s; }
    String resumeToken() { return resumeToken; }
    void resumeToken(String token) { this.resumeToken = token; }
    public boolean reconnecting() { return reconnecting; }
    void reconnecting(boolean r) { this.reconnecting = r; }
    String mediaFailure() { return mediaFailure; }
    java.time.Instant tokenExpiresAt() { return tokenExpiresAt; }
    void tokenExpiresAt(java.time.Instant at) { this.tokenExpiresAt = at; }
    void mediaFailure(String reason) { this.mediaFailure = reason; }

    /** Arms removal after the grace period unless one is armed already (the first reason counts). */
    void scheduleRemoval(java.util.concurrent.ScheduledFuture<?> f, String reason) {
        this.removal = f;
        this.removalReason = reason;
    }

    boolean removalScheduled() { return removal != null; }
    String removalReason() { return removalReason; }

    void cancelRemoval() {
        if (removal != null) {
            removal.cancel(false);
            removal = null;
            removalReason = null;
        }
    }

    void displayName(String name) { this.displayName = name; }
    void audioMuted(boolean muted) { this.audioMuted = muted; }
    void videoMuted(boolean muted) { this.videoMuted = muted; }
    void moderator(boolean moderator) { this.moderator = moderator; }
    void handRaised(boolean raised) { this.handRaised = raised; }
    Boolean recordingClaim() { return recordingClaim; }
    void recordingClaim(Boolean claim) { this.recordingClaim = claim; }
    void trackSources(Map<String, String> sourcesByMid) { this.trackSources = Map.copyOf(sourcesByMid); }

    /** True (and remembered as sent) when {@code estimate} differs from the last one sent by 10 % or is due again. */
    boolean estimateWorthSending(long estimate, long nowNanos) {
        boolean moved = estimateSent < 0 || Math.abs(estimate - estimateSent) * 10 >= estimateSent;
        boolean due = nowNanos - estimateSentAtNanos >= ESTIMATE_REFRESH_MS * 1_000_000;
        if (!moved && !due) {
            return false;
        }
        estimateSent = estimate;
        estimateSentAtNanos = nowNanos;
        return true;
    }

    void send(ObjectNode message) {
        if (session.isOpen()) {
            session.send(message.toString());
        }
    }

    @Override
    public String toString() {
        return "participant " + id + " (" + displayName + ")";
    }
}
