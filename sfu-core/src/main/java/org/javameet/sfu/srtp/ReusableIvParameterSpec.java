package org.javameet.sfu.srtp;

import javax.crypto.spec.IvParameterSpec;

/**
 * An {@link IvParameterSpec} whose IV is written in place before every packet (AES-CM's counter block), the
 * AES-CTR counterpart of {@link ReusableGcmParameterSpec}: {@code IvParameterSpec} copies the IV in its
 * constructor and in {@link #getIV()}. Only for jitsi-srtp's OpenSSL SPI ({@code OpenSslAesCtrCipherSpi}), which
 * hands the IV to {@code EVP_CipherInit_ex} during {@code init} and compares it with nothing later.
 */
final class ReusableIvParameterSpec extends IvParameterSpec {
    static final int LENGTH = 16;

    private final byte[] iv = new byte[LENGTH];

    ReusableIvParameterSpec() {
        super(new byte[LENGTH]);
    }

    byte[] iv() {
        return iv;
    }

    /** Not a copy: see the class comment. */
    @Override
    public byte[] getIV() {
        return iv;
    }
}
