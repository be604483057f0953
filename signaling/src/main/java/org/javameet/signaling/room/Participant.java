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
    private final WebSocketSession session;
    private String displayName;
    private boolean audioMuted;
    private boolean videoMuted;
    private boolean moderator;
    private boolean handRaised;
    /** The token's {@code context.features.recording}: true may record, false may not; null: moderators may. */
    private Boolean recordingClaim;

    /** What each published track shows (camera, microphone, screen), by mid. */
    private Map<String, String> trackSources = Map.of();
    final long joinedAtNanos = System.nanoTime();

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
    /** True while one of the published tracks is a screen. */
    public boolean screenSharing() { return trackSources.containsValue(TrackSources.SCREEN); }
    WebSocketSession session() { return session; }

    void displayName(String name) { this.displayName = name; }
    void audioMuted(boolean muted) { this.audioMuted = muted; }
    void videoMuted(boolean muted) { this.videoMuted = muted; }
    void moderator(boolean moderator) { this.moderator = moderator; }
    void handRaised(boolean raised) { this.handRaised = raised; }
    Boolean recordingClaim() { return recordingClaim; }
    void recordingClaim(Boolean claim) { this.recordingClaim = claim; }
    void trackSources(Map<String, String> sourcesByMid) { this.trackSources = Map.copyOf(sourcesByMid); }

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
