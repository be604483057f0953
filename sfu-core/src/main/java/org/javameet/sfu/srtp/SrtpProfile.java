package org.javameet.sfu.srtp;

/**
 * The SRTP protection profiles javameet negotiates through the DTLS {@code use_srtp} extension
 * (RFC 5764 §4.1.2, RFC 7714 §14.2). Lengths are in bytes.
 */
public enum SrtpProfile {
    /** RFC 5764: AES-128 counter mode, HMAC-SHA1 tag truncated to 80 bits. Every browser supports it. */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10),
    /** RFC 7714: AES-128 GCM, 128-bit tag. Cheaper per byte (one AEAD pass) and preferred when offered. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int authTagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int authTagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.authTagLength = authTagLength;
    }

    /** The two-byte SRTPProtectionProfile value carried in {@code use_srtp}. */
    public int id() {
        return id;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    public int authTagLength() {
        return authTagLength;
    }

    /** @return the profile with this {@code use_srtp} id, or {@code null} when javameet does not support it */
    public static SrtpProfile fromId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
