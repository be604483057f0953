package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.PublishedTrack;
import org.javameet.signaling.http.WebSocketSession;

/**
 * One person in a room, as signaling sees them. Guarded by the room's lock; media objects live on the
 * media loop and are reached through the room's Router.
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

    WebRtcTransport publishTransport;
    /** Published tracks by mid, in the order the publisher offered them. */
    final Map<String, PublishedTrack> publishedTracks = new LinkedHashMap<>();
    /** What each published track shows (camera, microphone, screen), by mid. */
    final Map<String, String> trackSources = new HashMap<>();
    long publishSdpVersion;
    final SubscribeState subscribe = new SubscribeState();
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

    void send(ObjectNode message) {
        if (session.isOpen()) {
            session.send(message.toString());
        }
    }

    /** Producer ids of this participant's tracks: "{participantId}/{mid}". */
    List<String> producerIds() {
        List<String> out = new ArrayList<>();
        for (String mid : publishedTracks.keySet()) {
            out.add(producerId(mid));
        }
        return out;
    }

    String producerId(String mid) {
        return id + "/" + mid;
    }

    @Override
    public String toString() {
        return "participant " + id + " (" + displayName + ")";
    }
}
