package org.javameet.sfu.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * An SDP (RFC 8866) as the WebRTC JSEP dialect uses it: a session part and m-sections.
 * Parsing is lenient about unknown lines (kept verbatim) and strict about structure, so a browser's
 * SDP always parses while garbage is refused with a message naming the offending line.
 */
public final class SessionDescription {
    /** Browsers send a few KB; anything far bigger is an attack or a bug. */
    public static final int MAX_LENGTH = 128 * 1024;

    private String origin = "- 0 0 IN IP4 0.0.0.0";
    private String sessionName = "-";
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<String> otherLines = new ArrayList<>();
    private final List<MediaDescription> media = new ArrayList<>();

    public String origin() { return origin; }
    public void origin(String origin) { this.origin = origin; }
    public List<Attribute> attributes() { return attributes; }
    public List<MediaDescription> media() { return media; }

    public SessionDescription add(String name, String value) {
        attributes.add(new Attribute(name, value));
        return this;
    }

    public SessionDescription flag(String name) {
        attributes.add(new Attribute(name, null));
        return this;
    }

    public String attribute(String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    /**
     * A transport attribute (ice-ufrag, ice-pwd, fingerprint, setup) as it applies to the m-section: its own,
     * else that of the tagged m-section of its BUNDLE group (a bundle-only section carries none, RFC 8843 §7.2),
     * else the session level.
     */
    public String attribute(MediaDescription m, String name) {
        String v = m.attribute(name);
        if (v != null) {
            return v;
        }
        MediaDescription tagged = bundleTagged(m);
        if (tagged != null && tagged != m && tagged.attribute(name) != null) {
            return tagged.attribute(name);
        }
        return attribute(name);
    }

    /** The first m-section named by the a=group:BUNDLE that holds {@code m}'s mid, or null. */
    private MediaDescription bundleTagged(MediaDescription m) {
        String mid = m.mid();
        if (mid == null) {
            return null;
        }
        for (Attribute a : attributes) {
            if (!a.name().equals("group") || a.value() == null) {
                continue;
            }
            List<String> group = List.of(a.value().trim().split("\\s+"));
            if (group.size() > 1 && group.get(0).equals("BUNDLE") && group.contains(mid)) {
                for (MediaDescription candidate : media) {
                    if (group.get(1).equals(candidate.mid())) {
                        return candidate;
                    }
                }
            }
        }
        return null;
    }

    public static SessionDescription parse(String sdp) throws SdpException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpException("empty SDP");
        }
        if (sdp.length() > MAX_LENGTH) {
            throw new SdpException("SDP longer than " + MAX_LENGTH + " characters");
        }
        SessionDescription sd = new SessionDescription();
        MediaDescription current = null;
        boolean sawVersion = false;
        int lineNo = 0;
        for (String raw : sdp.split("\n")) {
            lineNo++;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpException("line " + lineNo + " is not <type>=<value>: " + abbreviate(line));
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (!sawVersion) {
                if (type != 'v' || !value.equals("0")) {
                    throw new SdpException("SDP must start with v=0");
                }
                sawVersion = true;
                continue;
            }
            switch (type) {
                case 'm' -> {
                    current = parseMediaLine(value, lineNo);
                    sd.media.add(current);
                }
                case 'a' -> {
                    Attribute a = parseAttribute(value);
                    if (current == null) {
                        sd.attributes.add(a);
                    } else {
                        current.attributes().add(a);
                    }
                }
                case 'o' -> {
                    if (current == null) {
                        sd.origin = value;
                    }
                }
                case 's' -> {
                    if (current == null) {
                        sd.sessionName = value;
                    }
                }
                default -> {
                    if (current == null) {
                        sd.otherLines.add(line);
                    } else {
                        current.otherLines().add(line);
                    }
                }
            }
        }
        if (!sawVersion) {
            throw new SdpException("SDP must start with v=0");
        }
        return sd;
    }

    private static MediaDescription parseMediaLine(String value, int lineNo) throws SdpException {
        String[] parts = value.split(" ");
        if (parts.length < 3) {
            throw new SdpException("line " + lineNo + ": m= needs <media> <port> <proto> <fmt>...: " + abbreviate(value));
        }
        int port;
        try {
            String p = parts[1];
            int slash = p.indexOf('/');
            port = Integer.parseInt(slash >= 0 ? p.substring(0, slash) : p);
        } catch (NumberFormatException e) {
            throw new SdpException("line " + lineNo + ": bad port in m= line: " + abbreviate(value));
        }
        if (port < 0 || port > 65535) {
            throw new SdpException("line " + lineNo + ": port out of range in m= line");
        }
        List<String> formats = new ArrayList<>();
        for (int i = 3; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                formats.add(parts[i]);
            }
        }
        return new MediaDescription(parts[0], port, parts[2], formats);
    }

    private static Attribute parseAttribute(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) {
            return new Attribute(value, null);
        }
        return new Attribute(value.substring(0, colon), value.substring(colon + 1));
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** Serialises with CRLF line ends, as RFC 8866 requires. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("v=0\r\n");
        sb.append("o=").append(origin).append("\r\n");
        sb.append("s=").append(sessionName).append("\r\n");
        boolean hasTiming = false;
        for (String l : otherLines) {
            if (l.startsWith("t=")) {
                hasTiming = true;
            }
        }
        if (!hasTiming) {
            sb.append("t=0 0\r\n");
        }
        for (String l : otherLines) {
            sb.append(l).append("\r\n");
        }
        for (Attribute a : attributes) {
            sb.append(a).append("\r\n");
        }
        for (MediaDescription m : media) {
            sb.append("m=").append(m.media()).append(' ').append(m.port()).append(' ').append(m.protocol());
            for (String f : m.formats()) {
                sb.append(' ').append(f);
            }
            sb.append("\r\n");
            for (String l : m.otherLines()) {
                sb.append(l).append("\r\n");
            }
            for (Attribute a : m.attributes()) {
                sb.append(a).append("\r\n");
            }
        }
        return sb.toString();
    }
}
