package org.javameet.sfu.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The per-thread keyed Macs must give every password its own HMAC, however the passwords interleave. */
class StunCryptoTest {
    private static byte[] reference(byte[] message, int prefixLength, int lengthField, byte[] key) throws Exception {
        byte[] patched = java.util.Arrays.copyOf(message, prefixLength);
        patched[2] = (byte) (lengthField >>> 8);
        patched[3] = (byte) lengthField;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
        return mac.doFinal(patched);
    }

    @Test
    void interleavedPasswordsBeyondTheCacheEachGetTheirOwnHmac() throws Exception {
        Random random = new Random(7);
        int passwords = StunCrypto.SETS * StunCrypto.WAYS + 40; // forces slots to be reused
        byte[][] keys = new byte[passwords][];
        for (int i = 0; i < passwords; i++) {
            keys[i] = ("password-" + i + "-of-the-transport").getBytes(StandardCharsets.US_ASCII);
        }
        keys[3] = new byte[0];
        for (int round = 0; round < 5_000; round++) {
            byte[] key = keys[random.nextInt(passwords)];
            byte[] message = new byte[20 + random.nextInt(200)];
            random.nextBytes(message);
            int prefix = 4 + random.nextInt(message.length - 4);
            int lengthField = random.nextInt(0x10000);
            ByteBuf buf = Unpooled.buffer(message.length + 8).writeZero(8).writeBytes(message);
            assertArrayEquals(reference(message, prefix, lengthField, key),
                    StunCrypto.hmacSha1(buf, 8, prefix, lengthField, key), "round " + round);
        }
    }

    @Test
    void aCallThatThrowsHalfWayLeavesNothingBehindForTheNext() throws Exception {
        byte[] key = "k".getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[40];
        new Random(1).nextBytes(message);
        ByteBuf buf = Unpooled.wrappedBuffer(message);
        assertThrows(IndexOutOfBoundsException.class, () -> StunCrypto.hmacSha1(buf, 0, 400, 0, key));
        assertArrayEquals(reference(message, 40, 20, key), StunCrypto.hmacSha1(buf, 0, 40, 20, key));
    }
}
