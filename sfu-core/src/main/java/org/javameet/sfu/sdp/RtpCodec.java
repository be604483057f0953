package org.javameet.sfu.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A payload type of an m-section, gathered from {@code a=rtpmap}, {@code a=fmtp} and {@code a=rtcp-fb}
 * (RFC 8866 §6.6, RFC 4585 §4.2).
 *
 * @param name encoding name as written (e.g. "opus", "VP8", "rtx"); compare with {@link #is(String)}
 * @param fmtp format parameters or null
 * @param feedback rtcp-fb values for this payload type, e.g. "nack", "nack pli", "ccm fir", "goog-remb"
 */
public record RtpCodec(int payloadType, String name, int clockRate, int channels, String fmtp, List<String> feedback) {

    public boolean is(String encodingName) {
        return name.equalsIgnoreCase(encodingName);
    }

    /** For RTX: the payload type it repairs ({@code apt=}), or -1. */
    public int associatedPayloadType() {
        String v = fmtpParameter("apt");
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public String fmtpParameter(String key) {
        if (fmtp == null) {
            return null;
        }
        for (String kv : fmtp.split(";")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).trim().equalsIgnoreCase(key)) {
                return kv.substring(eq + 1).trim();
            }
        }
        return null;
    }

    /** All codecs of an m-section in the order of its format list; formats without a valid rtpmap are skipped. */
    public static List<RtpCodec> of(MediaDescription m) {
        List<RtpCodec> out = new ArrayList<>();
        for (String f : m.formats()) {
            int pt;
            try {
                pt = Integer.parseInt(f);
            } catch (NumberFormatException e) {
                continue;
            }
            if (pt < 0 || pt > 127) {
                continue;
            }
            String rtpmap = null;
            String fmtp = null;
            List<String> fb = new ArrayList<>();
            String prefix = pt + " ";
            for (Attribute a : m.attributes()) {
                if (a.value() == null || !a.value().startsWith(prefix)) {
                    if (a.name().equals("rtcp-fb") && a.value() != null && a.value().startsWith("* ")) {
                        fb.add(a.value().substring(2));
                    }
                    continue;
                }
                String rest = a.value().substring(prefix.length()).trim();
                switch (a.name()) {
                    case "rtpmap" -> rtpmap = rest;
                    case "fmtp" -> fmtp = rest;
                    case "rtcp-fb" -> fb.add(rest);
                    default -> { }
                }
            }
            if (rtpmap == null) {
                continue;
            }
            String[] parts = rtpmap.split("/");
            if (parts.length < 2) {
                continue;
            }
            try {
                int clock = Integer.parseInt(parts[1].trim());
                int channels = parts.length > 2 ? Integer.parseInt(parts[2].trim()) : 1;
                out.add(new RtpCodec(pt, parts[0].trim(), clock, channels, fmtp, List.copyOf(fb)));
            } catch (NumberFormatException e) {
                // a malformed rtpmap makes that one payload type unusable, not the whole SDP
            }
        }
        return out;
    }

    /** Writes rtpmap, rtcp-fb and fmtp lines for this codec into an m-section. */
    public void writeTo(MediaDescription m) {
        String map = payloadType + " " + name + "/" + clockRate + (channels > 1 ? "/" + channels : "");
        m.add("rtpmap", map);
        for (String f : feedback) {
            m.add("rtcp-fb", payloadType + " " + f);
        }
        if (fmtp != null && !fmtp.isEmpty()) {
            m.add("fmtp", payloadType + " " + fmtp);
        }
    }

    public String mimeType(String kind) {
        return kind.toLowerCase(Locale.ROOT) + "/" + name;
    }
}
