package org.javameet.sfu.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRTP AEAD_AES_128_GCM (RFC 7714) for one RTP stream in one direction, allocating nothing per packet.
 *
 * <p>jitsi-srtp's own GCM transform builds a new {@code GCMParameterSpec} (and copies the IV twice) for every
 * packet. This context drives the same OpenSSL-backed cipher ({@code OpenSslAesGcmCipherSpi}, through
 * {@code Aes.OpenSSLCipherFactory}) itself, with one {@link ReusableGcmParameterSpec} whose IV is rewritten in
 * place and one {@link SecretKeySpec} (the SPI re-keys only when the key object changes, so each {@code init}
 * merely sets the IV on the one {@code EVP_CIPHER_CTX}). The cipher's JNI reads Java arrays without copying them
 * ({@code GetPrimitiveArrayCritical}), so a heap packet is encrypted in place.
 *
 * <p>One thread at a time (a direction of an {@link SrtpSession}).
 */
final class GcmRtpContext extends RtpContext {
    static final int TAG_LENGTH = 16;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final ReusableGcmParameterSpec spec = new ReusableGcmParameterSpec();

    /** A context for {@code ssrc} from the association's master key and salt (session keys derived per RFC 3711 §4.3). */
    static GcmRtpContext derive(int ssrc, byte[] masterKey, byte[] masterSalt)
            throws GeneralSecurityException {
        return SessionKeyDerivation.withRtpSessionKeys(masterKey, masterSalt, ReusableGcmParameterSpec.IV_LENGTH,
                (key, salt) -> new GcmRtpContext(ssrc, key, salt));
    }

    /** A context from session keys directly (RFC 7714 §16's vectors are given so). */
    GcmRtpContext(int ssrc, byte[] sessionKey, byte[] sessionSalt) throws GeneralSecurityException {
        super(ssrc);
        if (sessionSalt.length != ReusableGcmParameterSpec.IV_LENGTH) {
            throw new IllegalArgumentException("GCM session salt must be 12 bytes");
        }
        this.key = new SecretKeySpec(sessionKey, "AES");
        this.salt = sessionSalt.clone();
        this.cipher = openSslCipher("AES/GCM/NoPadding");
    }

    /** The header (with CSRCs and extensions) is the additional authenticated data; the tag is 16 bytes. */
    @Override
    SrtpStatus protect(byte[] array, int offset, int length, int headerLength, int limit)
            throws GeneralSecurityException {
        if (offset + length + TAG_LENGTH > Math.min(limit, array.length)) {
            return SrtpStatus.FAILED; // the native tag write does not check the array's bounds
        }
        int seq = seq(array, offset);
        long idx = index.estimate(seq);
        init(Cipher.ENCRYPT_MODE, seq);
        cipher.updateAAD(array, offset, headerLength);
        int out = cipher.doFinal(array, offset + headerLength, length - headerLength, array, offset + headerLength);
        index.update(seq, idx);
        this.length = headerLength + out;
        return SrtpStatus.OK;
    }

    @Override
    SrtpStatus unprotect(byte[] array, int offset, int length, int headerLength) throws GeneralSecurityException {
        int seq = seq(array, offset);
        long idx = index.estimate(seq);
        SrtpStatus status = index.checkReplay(idx);
        if (status == SrtpStatus.OK) {
            init(Cipher.DECRYPT_MODE, seq);
            cipher.updateAAD(array, offset, headerLength);
            try {
                int out = cipher.doFinal(array, offset + headerLength, length - headerLength,
                        array, offset + headerLength);
                index.update(seq, idx);
                this.length = headerLength + out;
            } catch (AEADBadTagException e) {
                status = SrtpStatus.AUTH_FAILED;
            }
        }
        if (status != SrtpStatus.OK) {
            index.forgetStart();
        }
        return status;
    }

    /*
     * RFC 7714 §8.1, the 12-octet IV:
     *          0  0  0  0  0  0  0  0  0  0  1  1
     *          0  1  2  3  4  5  6  7  8  9  0  1
     *        +--+--+--+--+--+--+--+--+--+--+--+--+
     *        |00|00|    SSRC   |     ROC   | SEQ |---+
     *        +--+--+--+--+--+--+--+--+--+--+--+--+   |
     *                                                +--(XOR)--> IV
     *        +--+--+--+--+--+--+--+--+--+--+--+--+   |
     *        |         Encryption Salt           |---+
     *        +--+--+--+--+--+--+--+--+--+--+--+--+
     */
    private void init(int mode, int seq) throws GeneralSecurityException {
        writeIv(spec.iv(), salt, ssrc, index.guessedRoc(), seq);
        cipher.init(mode, key, spec);
    }

    /** The packet's IV (above) into {@code iv}, from the session salt, the SSRC, ROC and sequence number. */
    static void writeIv(byte[] iv, byte[] salt, int ssrc, int roc, int seq) {
        iv[0] = salt[0];
        iv[1] = salt[1];
        iv[2] = (byte) (salt[2] ^ (ssrc >>> 24));
        iv[3] = (byte) (salt[3] ^ (ssrc >>> 16));
        iv[4] = (byte) (salt[4] ^ (ssrc >>> 8));
        iv[5] = (byte) (salt[5] ^ ssrc);
        iv[6] = (byte) (salt[6] ^ (roc >>> 24));
        iv[7] = (byte) (salt[7] ^ (roc >>> 16));
        iv[8] = (byte) (salt[8] ^ (roc >>> 8));
        iv[9] = (byte) (salt[9] ^ roc);
        iv[10] = (byte) (salt[10] ^ (seq >>> 8));
        iv[11] = (byte) (salt[11] ^ seq);
    }

    @Override
    void wipe() {
        Arrays.fill(salt, (byte) 0);
    }
}
