package org.javameet.sfu.session;

/** A track as the media session names it to its caller: the publisher's mid and "audio" or "video". */
public record TrackRef(String mid, String kind) {
    public boolean audio() {
        return kind.equals("audio");
    }
}
