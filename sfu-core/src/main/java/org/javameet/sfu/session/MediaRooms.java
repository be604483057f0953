package org.javameet.sfu.session;

import org.javameet.sfu.net.MediaServer;

/** Makes MediaRooms on one media server: what signaling holds instead of the server itself. */
public final class MediaRooms {
    private final MediaServer media;
    private final MediaLimits limits;
    private final VideoForwarding forwarding;

    public MediaRooms(MediaServer media) {
        this(media, MediaLimits.defaults());
    }

    public MediaRooms(MediaServer media, MediaLimits limits) {
        this(media, limits, VideoForwarding.all());
    }

    public MediaRooms(MediaServer media, MediaLimits limits, VideoForwarding forwarding) {
        this.media = media;
        this.limits = limits;
        this.forwarding = forwarding;
    }

    public MediaRoom create(String name, MediaRoom.Listener listener) {
        return new MediaRoom(name, media, listener, limits, forwarding);
    }
}
