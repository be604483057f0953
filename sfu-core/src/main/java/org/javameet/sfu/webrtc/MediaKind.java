package org.javameet.sfu.webrtc;

public enum MediaKind {
    AUDIO, VIDEO;

    public String sdpName() {
        return this == AUDIO ? "audio" : "video";
    }

    public static MediaKind ofSdp(String media) {
        return switch (media) {
            case "audio" -> AUDIO;
            case "video" -> VIDEO;
            default -> null;
        };
    }
}
