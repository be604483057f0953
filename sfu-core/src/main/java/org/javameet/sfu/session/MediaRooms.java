package org.javameet.sfu.session;

import org.javameet.sfu.net.MediaServer;

/** Makes MediaRooms on one media server: what signaling holds instead of the server itself. */
public final class MediaRooms {
    private final MediaServer media;

    public MediaRooms(MediaServer media) {
        this.media = media;
    }

    public MediaRoom create(String name, MediaRoom.Listener listener) {
        return new MediaRoom(name, media, listener);
    }
}
