package org.javameet.sfu.stun;

/**
 * The USERNAME of an ICE connectivity check, "RFRAG:LFRAG" from the sender's view (RFC 8445 §7.2.2). In a
 * request that reaches us the first part is our own ufrag, which is how an unknown address is mapped to a
 * transport, so it is called {@code local} here.
 */
public record IceUsername(String local, String remote) {
    /** Splits at the first colon; null if there is none (not an ICE username). */
    public static IceUsername split(String username) {
        if (username == null) {
            return null;
        }
        int colon = username.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new IceUsername(username.substring(0, colon), username.substring(colon + 1));
    }
}
