package org.javameet.sfu.stun;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA1 and CRC-32 over a message prefix whose length field is patched, without copying the message.
 * One Mac per thread (event loops are long-lived), re-keyed only when the key changes, since binding
 * requests on one loop mostly repeat the same few transports' passwords.
 */
final class StunCrypto {
    /** RFC 5389 §15.5: the CRC-32 is XOR'ed with this so a FINGERPRINT cannot be mistaken for other protocols' CRCs. */
    static final int FINGERPRINT_XOR = 0x5354554E;

    private static final class KeyedMac {
        final Mac mac;
        byte[] key;

        KeyedMac() {
            try {
                mac = Mac.getInstance("HmacSHA1");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA1 is required of every JRE", e);
            }
        }
    }

    private static final ThreadLocal<KeyedMac> MAC = ThreadLocal.withInitial(KeyedMac::new);
    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);

    private StunCrypto() {
    }

    /**
     * HMAC-SHA1 over {@code prefixLength} bytes at {@code start} with the header's length field (bytes 2..3)
     * replaced by {@code lengthField}.
     */
    static byte[] hmacSha1(ByteBuf buf, int start, int prefixLength, int lengthField, byte[] key) {
        KeyedMac km = MAC.get();
        try {
            if (km.key == null || !Arrays.equals(km.key, key)) {
                km.mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
                km.key = key.clone();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        // HMAC pads a short key with zeros, so an empty key equals the one-zero-byte key that SecretKeySpec accepts.
        Mac mac = km.mac;
        mac.update(buf.getByte(start));
        mac.update(buf.getByte(start + 1));
        mac.update((byte) (lengthField >>> 8));
        mac.update((byte) lengthField);
        mac.update(buf.nioBuffer(start + 4, prefixLength - 4));
        return mac.doFinal();
    }

    /** CRC-32 of {@code length} bytes at {@code start}, XOR 0x5354554e. */
    static int fingerprint(ByteBuf buf, int start, int length) {
        CRC32 crc = CRC.get();
        crc.reset();
        crc.update(buf.nioBuffer(start, length));
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
