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
 * Each thread (event loops are long-lived) keeps keyed Macs, one per recently used password: the
 * binding requests on one loop come from the transports placed on it, whose checks interleave, and
 * re-keying a single Mac on every change cost a key copy, a key spec and the HMAC pads per check.
 */
final class StunCrypto {
    /** RFC 5389 §15.5: the CRC-32 is XOR'ed with this so a FINGERPRINT cannot be mistaken for other protocols' CRCs. */
    static final int FINGERPRINT_XOR = 0x5354554E;

    /**
     * Keyed Macs kept per thread, in sets chosen by the password's hash: a loop checks every transport placed
     * on it in turn (two per participant), and a cyclic pattern larger than a plain round-robin cache would miss
     * every time. More transports than this on one loop only means re-keying again.
     */
    static final int SETS = 32;
    static final int WAYS = 4;

    private static final class KeyedMacs {
        final Mac[] macs = new Mac[SETS * WAYS];
        final byte[][] keys = new byte[SETS * WAYS][];
        final int[] nextWay = new int[SETS];

        Mac forKey(byte[] key) throws GeneralSecurityException {
            int h = Arrays.hashCode(key);
            int set = (h ^ (h >>> 16)) & (SETS - 1);
            int first = set * WAYS;
            for (int i = first; i < first + WAYS; i++) {
                if (keys[i] != null && Arrays.equals(keys[i], key)) {
                    return macs[i];
                }
            }
            int slot = first + nextWay[set];
            nextWay[set] = (nextWay[set] + 1) % WAYS;
            if (macs[slot] == null) {
                macs[slot] = Mac.getInstance("HmacSHA1");
            }
            // HMAC pads a short key with zeros, so an empty key equals the one-zero-byte key that SecretKeySpec accepts.
            macs[slot].init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
            keys[slot] = key.clone();
            return macs[slot];
        }
    }

    private static final ThreadLocal<KeyedMacs> MACS = ThreadLocal.withInitial(KeyedMacs::new);
    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);

    private StunCrypto() {
    }

    /**
     * HMAC-SHA1 over {@code prefixLength} bytes at {@code start} with the header's length field (bytes 2..3)
     * replaced by {@code lengthField}.
     */
    static byte[] hmacSha1(ByteBuf buf, int start, int prefixLength, int lengthField, byte[] key) {
        Mac mac;
        try {
            mac = MACS.get().forKey(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JRE", e);
        }
        mac.reset(); // a no-op unless an earlier call threw half-way (a bad bound) and left input in the Mac
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
