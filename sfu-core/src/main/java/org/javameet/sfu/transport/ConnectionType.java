package org.javameet.sfu.transport;

import java.util.Locale;

/** How a transport's selected ICE path reaches the participant: shown to operators, counted in metrics. */
public enum ConnectionType {
    /** Straight UDP to the media port: the normal case. */
    UDP,
    /** ICE-TCP (RFC 6544) to the media TCP port: UDP was blocked on the participant's network. */
    TCP;

    /** Lower-case name for labels and JSON, e.g. {@code tcp}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
