package org.javameet.sfu.srtp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRTP AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1, §4.2.1; RFC 5764) for one RTP stream in one direction, allocating
 * nothing per packet.
 *
 * <p>jitsi-srtp's transform allocates per packet a new {@code IvParameterSpec} and two IV copies, and a new 20-byte
 * array for every HMAC ({@code Mac.doFinal}, and {@code Mac.doFinal(out, offset)} is that plus a copy). Here the
 * AES-CTR pass runs on jitsi-srtp's OpenSSL cipher with one {@link ReusableIvParameterSpec}, and HMAC-SHA1 is
 * computed from its definition (RFC 2104) on one {@link MessageDigest} with the padded key blocks prepared once:
 * {@code digest(buf, offset, len)} writes into our own array. That costs two more SHA-1 blocks per packet than
 * OpenSSL's HMAC, which keeps the hashed pads; the profile is only used with a browser that offers no GCM.
 */
final class CmRtpContext extends RtpContext {
    static final int TAG_LENGTH = 10;
    private static final int SALT_LENGTH = 14;
    private static final int AUTH_KEY_LENGTH = 20;
    private static final int SHA1_BLOCK = 64;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final ReusableIvParameterSpec spec = new ReusableIvParameterSpec();
    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[SHA1_BLOCK];
    private final byte[] outerPad = new byte[SHA1_BLOCK];
    private final byte[] rocBytes = new byte[4];
    private final byte[] innerHash = new byte[AUTH_KEY_LENGTH];
    private final byte[] tag = new byte[AUTH_KEY_LENGTH];

    static CmRtpContext derive(int ssrc, byte[] masterKey, byte[] masterSalt) throws GeneralSecurityException {
        byte[] encryptionKey = SessionKeyDerivation.derive(masterKey, masterSalt,
                SessionKeyDerivation.LABEL_RTP_ENCRYPTION, masterKey.length);
        byte[] authKey = SessionKeyDerivation.derive(masterKey, masterSalt,
                SessionKeyDerivation.LABEL_RTP_AUTHENTICATION, AUTH_KEY_LENGTH);
        byte[] sessionSalt = SessionKeyDerivation.derive(masterKey, masterSalt,
                SessionKeyDerivation.LABEL_RTP_SALT, SALT_LENGTH);
        try {
            return new CmRtpContext(ssrc, encryptionKey, authKey, sessionSalt);
        } finally {
            Arrays.fill(encryptionKey, (byte) 0);
            Arrays.fill(authKey, (byte) 0);
        }
    }

    CmRtpContext(int ssrc, byte[] encryptionKey, byte[] authKey, byte[] sessionSalt) throws GeneralSecurityException {
        super(ssrc);
        if (sessionSalt.length != SALT_LENGTH || authKey.length > SHA1_BLOCK) {
            throw new IllegalArgumentException("AES-CM needs a 14-byte salt and an auth key of at most 64 bytes");
        }
        this.key = new SecretKeySpec(encryptionKey, "AES");
        this.salt = sessionSalt.clone();
        this.cipher = openSslCipher("AES/CTR/NoPadding");
        this.sha1 = MessageDigest.getInstance("SHA-1");
        // RFC 2104: K padded with zeros to the block, XOR 0x36 (inner) and 0x5c (outer)
        Arrays.fill(innerPad, (byte) 0x36);
        Arrays.fill(outerPad, (byte) 0x5c);
        for (int i = 0; i < authKey.length; i++) {
            innerPad[i] ^= authKey[i];
            outerPad[i] ^= authKey[i];
        }
    }

    @Override
    SrtpStatus protect(byte[] array, int offset, int length, int headerLength, int limit)
            throws GeneralSecurityException {
        if (offset + length + TAG_LENGTH > Math.min(limit, array.length)) {
            return SrtpStatus.FAILED;
        }
        int seq = seq(array, offset);
        long idx = index.estimate(seq);
        encrypt(array, offset + headerLength, length - headerLength, idx);
        authenticate(array, offset, length, index.guessedRoc());
        System.arraycopy(tag, 0, array, offset + length, TAG_LENGTH);
        index.update(seq, idx);
        this.length = length + TAG_LENGTH;
        return SrtpStatus.OK;
    }

    @Override
    SrtpStatus unprotect(byte[] array, int offset, int length, int headerLength) throws GeneralSecurityException {
        int seq = seq(array, offset);
        long idx = index.estimate(seq);
        SrtpStatus status = index.checkReplay(idx);
        int authenticated = length - TAG_LENGTH;
        if (status == SrtpStatus.OK) {
            authenticate(array, offset, authenticated, index.guessedRoc());
            int differ = 0; // constant time
            for (int i = 0; i < TAG_LENGTH; i++) {
                differ |= tag[i] ^ array[offset + authenticated + i];
            }
            if (differ != 0) {
                status = SrtpStatus.AUTH_FAILED;
            }
        }
        if (status != SrtpStatus.OK) {
            index.forgetStart();
            return status;
        }
        encrypt(array, offset + headerLength, authenticated - headerLength, idx);
        index.update(seq, idx);
        this.length = authenticated;
        return SrtpStatus.OK;
    }

    /*
     * RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), a 128-bit counter block whose last
     * 16 bits count the keystream's blocks (zero here: AES-CTR counts them from there).
     */
    private void encrypt(byte[] array, int from, int count, long idx) throws GeneralSecurityException {
        byte[] iv = spec.iv();
        System.arraycopy(salt, 0, iv, 0, SALT_LENGTH);
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        iv[8] ^= (byte) (idx >>> 40);
        iv[9] ^= (byte) (idx >>> 32);
        iv[10] ^= (byte) (idx >>> 24);
        iv[11] ^= (byte) (idx >>> 16);
        iv[12] ^= (byte) (idx >>> 8);
        iv[13] ^= (byte) idx;
        iv[14] = 0;
        iv[15] = 0;
        cipher.init(Cipher.ENCRYPT_MODE, key, spec);
        if (count > 0) {
            cipher.update(array, from, count, array, from);
        }
    }

    /** RFC 3711 §4.2: HMAC-SHA1(auth key, authenticated portion || ROC) into {@link #tag}, truncated by the caller. */
    private void authenticate(byte[] array, int offset, int length, int roc) throws GeneralSecurityException {
        rocBytes[0] = (byte) (roc >>> 24);
        rocBytes[1] = (byte) (roc >>> 16);
        rocBytes[2] = (byte) (roc >>> 8);
        rocBytes[3] = (byte) roc;
        sha1.update(innerPad, 0, SHA1_BLOCK);
        sha1.update(array, offset, length);
        sha1.update(rocBytes, 0, 4);
        sha1.digest(innerHash, 0, AUTH_KEY_LENGTH);
        sha1.update(outerPad, 0, SHA1_BLOCK);
        sha1.update(innerHash, 0, AUTH_KEY_LENGTH);
        sha1.digest(tag, 0, AUTH_KEY_LENGTH);
    }

    @Override
    void wipe() {
        Arrays.fill(salt, (byte) 0);
        Arrays.fill(innerPad, (byte) 0);
        Arrays.fill(outerPad, (byte) 0);
    }
}
