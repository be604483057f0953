package org.javameet.sfu.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * One m-section (RFC 8866 §5.14): {@code m=<media> <port> <proto> <fmt> ...} and the attributes below it.
 * Mutable while an SDP is being built; treat parsed instances as read-only.
 */
public final class MediaDescription {
    private final String media;
    private int port;
    private final String protocol;
    private final List<String> formats;
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<String> otherLines = new ArrayList<>();

    public MediaDescription(String media, int port, String protocol, List<String> formats) {
        this.media = media;
        this.port = port;
        this.protocol = protocol;
        this.formats = new ArrayList<>(formats);
    }

    public String media() { return media; }
    public int port() { return port; }
    public void port(int port) { this.port = port; }
    public String protocol() { return protocol; }
    public List<String> formats() { return formats; }
    public List<Attribute> attributes() { return attributes; }
    /** Lines other than {@code a=} inside the section ({@code c=}, {@code b=}, ...), kept verbatim without the newline. */
    public List<String> otherLines() { return otherLines; }

    public MediaDescription add(String name, String value) {
        attributes.add(new Attribute(name, value));
        return this;
    }

    public MediaDescription flag(String name) {
        attributes.add(new Attribute(name, null));
        return this;
    }

    /** First value of the attribute, or null. A flag attribute yields "". */
    public String attribute(String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    public boolean has(String name) {
        return attribute(name) != null;
    }

    public List<String> attributes(String name) {
        List<String> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                out.add(a.value() == null ? "" : a.value());
            }
        }
        return out;
    }

    public String mid() { return attribute("mid"); }

    /** sendrecv, sendonly, recvonly or inactive; RFC 8866 §6.7 makes sendrecv the default. */
    public String direction() {
        for (Attribute a : attributes) {
            switch (a.name()) {
                case "sendrecv", "sendonly", "recvonly", "inactive" -> {
                    return a.name();
                }
                default -> { }
            }
        }
        return "sendrecv";
    }

    /**
     * True when the m-section was rejected or stopped: port 0 (RFC 8866 §5.14) without {@code a=bundle-only}.
     * A bundle-only section also has port 0 but is bundled, not rejected (RFC 8843 §6, JSEP RFC 8829 §5.2.1):
     * Firefox and GStreamer's webrtcbin offer every section after the first that way under max-bundle.
     */
    public boolean isRejected() { return port == 0 && !has("bundle-only"); }
}
