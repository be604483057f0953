package org.javameet.sfu.sdp;

import java.util.ArrayList;
import java.util.List;

/** An {@code a=extmap:<id>[/<direction>] <uri>} line (RFC 8285 §8). */
public record HeaderExtension(int id, String uri) {
    public static final String AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public static final String REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public static final String VIDEO_ORIENTATION = "urn:3gpp:video-orientation";

    public static List<HeaderExtension> of(MediaDescription m) {
        List<HeaderExtension> out = new ArrayList<>();
        for (String v : m.attributes("extmap")) {
            String[] parts = v.trim().split("\\s+");
            if (parts.length < 2) {
                continue;
            }
            String idPart = parts[0];
            int slash = idPart.indexOf('/');
            try {
                int id = Integer.parseInt(slash >= 0 ? idPart.substring(0, slash) : idPart);
                if (id >= 1 && id <= 255) {
                    out.add(new HeaderExtension(id, parts[1]));
                }
            } catch (NumberFormatException e) {
                // skip the one bad line
            }
        }
        return out;
    }

    /** The id negotiated for {@code uri} in this m-section, or 0 (never a valid id) when absent. */
    public static int idOf(List<HeaderExtension> extensions, String uri) {
        for (HeaderExtension e : extensions) {
            if (e.uri().equals(uri)) {
                return e.id();
            }
        }
        return 0;
    }
}
