package org.javameet.sfu.srtp;

import javax.crypto.spec.GCMParameterSpec;

/**
 * A {@link GCMParameterSpec} whose IV is written in place before every packet, so SRTP-GCM needs no new parameter
 * object (and no IV copy) per packet.
 *
 * <p>{@code GCMParameterSpec} copies the IV in its constructor and again in {@link #getIV()}; jitsi-srtp builds one
 * per packet (its {@code SrtpCipherGcm.setIV}), 40–64 B of garbage each time. This one hands out its own array.
 * That is only safe with a cipher that reads the IV during {@code init} and keeps no reference that it compares
 * later: jitsi-srtp's OpenSSL SPI ({@code OpenSslAesGcmCipherSpi}) passes it to {@code EVP_CipherInit_ex} and
 * forgets it. The JDK's own GCM keeps the last encryption IV to refuse reuse, and would then see this array
 * "reused" every time, so {@link GcmRtpContext} only uses this spec on the OpenSSL cipher.
 */
final class ReusableGcmParameterSpec extends GCMParameterSpec {
    static final int TAG_BITS = 128;
    static final int IV_LENGTH = 12;

    private final byte[] iv = new byte[IV_LENGTH];

    ReusableGcmParameterSpec() {
        super(TAG_BITS, new byte[IV_LENGTH]);
    }

    /** The live IV array: write the next packet's IV into it, then {@code Cipher.init} with this spec. */
    byte[] iv() {
        return iv;
    }

    /** Not a copy: see the class comment. */
    @Override
    public byte[] getIV() {
        return iv;
    }
}
