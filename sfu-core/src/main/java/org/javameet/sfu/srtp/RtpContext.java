package org.javameet.sfu.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;

/**
 * SRTP of one RTP stream in one direction, in place on a packet's array and allocating nothing per packet
 * (issue 13): {@link GcmRtpContext} for AEAD_AES_128_GCM, {@link CmRtpContext} for AES_CM_128_HMAC_SHA1_80. Both
 * drive jitsi-srtp's OpenSSL-backed ciphers themselves, with parameter objects reused from packet to packet, and
 * keep the stream's index in an {@link RtpIndex}. One thread at a time (a direction of an {@link SrtpSession}).
 */
abstract class RtpContext {
    /** jitsi-srtp's OpenSSL ciphers, where its native binding loaded. */
    static final Aes.OpenSSLCipherFactory OPENSSL =
            JitsiOpenSslProvider.isLoaded() ? new Aes.OpenSSLCipherFactory() : null;

    protected final int ssrc;
    protected final RtpIndex index = new RtpIndex();
    protected int length;

    RtpContext(int ssrc) {
        if (OPENSSL == null) {
            throw new IllegalStateException("jitsi-srtp's OpenSSL binding is not loaded");
        }
        this.ssrc = ssrc;
    }

    /** Whether this JVM can run these contexts (jitsi-srtp's OpenSSL binding loaded). */
    static boolean available() {
        return OPENSSL != null;
    }

    /** A context for {@code ssrc}, its session keys derived from the association's master key and salt. */
    static RtpContext derive(SrtpProfile profile, int ssrc, byte[] masterKey, byte[] masterSalt)
            throws GeneralSecurityException {
        return switch (profile) {
            case AEAD_AES_128_GCM -> GcmRtpContext.derive(ssrc, masterKey, masterSalt);
            case AES_CM_128_HMAC_SHA1_80 -> CmRtpContext.derive(ssrc, masterKey, masterSalt);
        };
    }

    /**
     * Encrypts {@code array[offset + headerLength, offset + length)} in place and appends the tag, which must fit
     * before {@code limit} (the end of the packet's own buffer: a pooled heap buffer shares its array).
     */
    abstract SrtpStatus protect(byte[] array, int offset, int length, int headerLength, int limit)
            throws GeneralSecurityException;

    /**
     * Replay-checks, authenticates and decrypts in place; strips the tag. On anything but {@link SrtpStatus#OK}
     * the stream's state is as before (the bytes may have been decrypted regardless: drop the packet).
     */
    abstract SrtpStatus unprotect(byte[] array, int offset, int length, int headerLength)
            throws GeneralSecurityException;

    /** The packet length after the last successful {@link #protect} or {@link #unprotect}. */
    final int length() {
        return length;
    }

    /** Forgets what key material it can (the cipher's native context keeps the key until it is freed). */
    abstract void wipe();

    static Cipher openSslCipher(String transformation) throws GeneralSecurityException {
        try {
            return OPENSSL.createCipher(transformation);
        } catch (GeneralSecurityException e) {
            throw e;
        } catch (Exception e) { // createCipher declares Exception
            throw new GeneralSecurityException("OpenSSL " + transformation, e);
        }
    }

    static int seq(byte[] array, int offset) {
        return ((array[offset + 2] & 0xFF) << 8) | (array[offset + 3] & 0xFF);
    }
}
