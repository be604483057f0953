package org.javameet.sfu.session;

import org.javameet.sfu.net.MediaServer;
import org.javameet.sfu.router.Router;

/** Makes MediaRooms on one media server: what signaling holds instead of the server itself. */
public final class MediaRooms {
    private final MediaServer media;
    private final MediaLimits limits;
    private final VideoForwarding forwarding;
    private final long maxPublisherBitrate;

    public MediaRooms(MediaServer media) {
        this(media, MediaLimits.defaults());
    }

    public MediaRooms(MediaServer media, MediaLimits limits) {
        this(media, limits, VideoForwarding.all());
    }

    public MediaRooms(MediaServer media, MediaLimits limits, VideoForwarding forwarding) {
        this(media, limits, forwarding, Router.DEFAULT_MAX_INCOMING_BITRATE);
    }

    /**
     * {@code maxPublisherBitrate}: the REMB ceiling, bit/s — the most any publisher is asked to send, however much
     * its receivers could take (a screen share, or a receiver without tile reports, gets exactly this).
     */
    public MediaRooms(MediaServer media, MediaLimits limits, VideoForwarding forwarding, long maxPublisherBitrate) {
        if (maxPublisherBitrate <= 0) {
            throw new IllegalArgumentException("maxPublisherBitrate must be positive, got " + maxPublisherBitrate);
        }
        this.media = media;
        this.limits = limits;
        this.forwarding = forwarding;
        this.maxPublisherBitrate = maxPublisherBitrate;
    }

    public MediaRoom create(String name, MediaRoom.Listener listener) {
        return new MediaRoom(name, media, listener, limits, forwarding, maxPublisherBitrate);
    }
}
