package org.javameet.signaling.room;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.signaling.JavameetServer;
import org.javameet.sfu.session.ForwardedVideo;

/** For tests outside this package (the browser tests): what the server does inside a room. */
public final class RoomProbe {
    private RoomProbe() {
    }

    /** What the server forwards of each video to {@code participantId} now; empty when no such room or member. */
    public static List<ForwardedVideo> forwardedVideo(JavameetServer server, String roomName, String participantId)
            throws Exception {
        Room room = server.rooms().room(roomName);
        return room == null ? List.of() : room.media().session().forwardedVideo(participantId).get(5, TimeUnit.SECONDS);
    }

    /** What the server forwards of {@code publisherId}'s video to {@code viewerId} now, or null. */
    public static ForwardedVideo forwardedVideo(JavameetServer server, String roomName, String viewerId,
            String publisherId) throws Exception {
        return forwardedVideo(server, roomName, viewerId).stream()
                .filter(v -> v.publisherId().equals(publisherId)).findFirst().orElse(null);
    }

    /** The server's send-side estimate for {@code participantId} with its parts, or null. */
    public static String bandwidthEstimate(JavameetServer server, String roomName, String participantId)
            throws Exception {
        Room room = server.rooms().room(roomName);
        return room == null ? null : room.media().session().bandwidthEstimateDetails(participantId)
                .get(5, TimeUnit.SECONDS);
    }
}
