package org.javameet.sfu.transport;

import java.security.SecureRandom;

/** A fresh local ICE ufrag and password (RFC 8445 §5.3: ufrag ≥ 24 bits, pwd ≥ 128 bits of randomness). */
public record IceCredentials(String ufrag, String pwd) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    /** 8 ufrag characters (48 bits) and 24 password characters (144 bits). */
    public static IceCredentials random() {
        return new IceCredentials(randomIce(8), randomIce(24));
    }

    private static String randomIce(int len) {
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            c[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
        }
        return new String(c);
    }
}
