package org.javameet.sfu.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3.1 and §4.3.3, AES-CM PRF; RFC 7714 §11 uses it unchanged for
 * AES-GCM, with the 96-bit master salt padded to 112 bits with zeros). Runs once per crypto context, never per
 * packet, so it may allocate.
 *
 * <pre>
 * key_id = label || r          (r = index DIV key_derivation_rate = 0: WebRTC never re-keys by rate)
 * x      = key_id XOR master_salt   (key_id right-aligned in the 112-bit salt: the label lands in byte 7)
 * session key = AES-CM(master_key, IV = x * 2^16) keystream, first n bytes
 * </pre>
 */
final class SessionKeyDerivation {
    /** RFC 3711 §4.3.2 labels. */
    static final int LABEL_RTP_ENCRYPTION = 0x00;
    static final int LABEL_RTP_AUTHENTICATION = 0x01;
    static final int LABEL_RTP_SALT = 0x02;

    private SessionKeyDerivation() {
    }

    /** What a context is made from: the stream's session key (wiped afterwards) and salt. */
    interface FromSessionKeys<T> {
        T make(byte[] sessionKey, byte[] sessionSalt) throws GeneralSecurityException;
    }

    /**
     * {@code make} with the RTP session key (as long as the master key) and a {@code saltLength}-byte session salt
     * (RFC 3711 §4.3); the key is zeroed once {@code make} returns, whatever it did.
     */
    static <T> T withRtpSessionKeys(byte[] masterKey, byte[] masterSalt, int saltLength, FromSessionKeys<T> make)
            throws GeneralSecurityException {
        byte[] sessionKey = derive(masterKey, masterSalt, LABEL_RTP_ENCRYPTION, masterKey.length);
        byte[] sessionSalt = derive(masterKey, masterSalt, LABEL_RTP_SALT, saltLength);
        try {
            return make.make(sessionKey, sessionSalt);
        } finally {
            Arrays.fill(sessionKey, (byte) 0);
        }
    }

    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) throws GeneralSecurityException {
        if (masterSalt.length > 14) {
            throw new IllegalArgumentException("master salt longer than 112 bits");
        }
        Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
        byte[] block = new byte[16];
        byte[] keystream = new byte[16];
        byte[] out = new byte[length];
        for (int done = 0, counter = 0; done < length; done += 16, counter++) {
            Arrays.fill(block, (byte) 0);
            System.arraycopy(masterSalt, 0, block, 0, masterSalt.length);
            block[7] ^= (byte) label;
            block[14] = (byte) (counter >>> 8);
            block[15] = (byte) counter;
            aes.doFinal(block, 0, 16, keystream, 0);
            System.arraycopy(keystream, 0, out, done, Math.min(16, length - done));
        }
        Arrays.fill(keystream, (byte) 0);
        return out;
    }
}
