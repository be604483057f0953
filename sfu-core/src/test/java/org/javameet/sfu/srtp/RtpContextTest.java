package org.javameet.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.javameet.sfu.srtp.SrtpSession.RtpTransform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SRTP of RTP on {@link RtpContext}s (issue 13): RFC 7714's GCM test vector, RFC 3711's key derivation vector,
 * interoperation with jitsi-srtp's own transform in both directions for both profiles (the library whose behaviour
 * they replace), and no allocation per packet. (RFC 3711 B.2 / libSRTP's AES-CM and GCM reference packets, from
 * master keys, are in {@link SrtpSessionTest}, which runs on these contexts too.)
 */
class RtpContextTest {
    private static final HexFormat HEX = HexFormat.of();

    @BeforeAll
    static void warmUp() {
        SrtpSession.warmUp();
    }

    @Test
    void openSslBindingIsThereSoTheseTestsRunTheNewPath() {
        assertTrue(RtpContext.available(), "jitsi-srtp's OpenSSL binding did not load");
        SrtpKeys k = keys(SrtpProfile.AEAD_AES_128_GCM, 1);
        assertEquals(RtpTransform.REUSED_CONTEXTS, new SrtpSession(k).rtpTransform());
        assertEquals(RtpTransform.JITSI_SRTP, new SrtpSession(k, RtpTransform.JITSI_SRTP).rtpTransform());
    }

    /** RFC 7714 §16.1.1 (encryption) and §16.1.2 (decryption), AEAD_AES_128_GCM, given as session key and salt. */
    @Test
    void rfc7714KnownAnswer() throws Exception {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] salt = HEX.parseHex("517569642070726f2071756f");
        byte[] header = HEX.parseHex("8040f17b8041f8d35501a0b2");
        byte[] payload = "Gallia est omnis divisa in partes tres".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = HEX.parseHex("8040f17b8041f8d35501a0b2"
                + "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de"
                + "3adf8833899d7f27beb16a9152cf765ee4390cce");
        byte[] packet = new byte[header.length + payload.length + 16];
        System.arraycopy(header, 0, packet, 0, header.length);
        System.arraycopy(payload, 0, packet, header.length, payload.length);
        byte[] plain = Arrays.copyOf(packet, header.length + payload.length);

        GcmRtpContext sender = new GcmRtpContext(0x5501a0b2, key, salt);
        assertEquals(SrtpStatus.OK, sender.protect(packet, 0, plain.length, 12, packet.length));
        assertEquals(expected.length, sender.length());
        assertArrayEquals(expected, packet);

        GcmRtpContext receiver = new GcmRtpContext(0x5501a0b2, key, salt);
        assertEquals(SrtpStatus.OK, receiver.unprotect(packet, 0, packet.length, 12));
        assertEquals(plain.length, receiver.length());
        assertArrayEquals(plain, Arrays.copyOf(packet, plain.length));
        packet = expected.clone();
        assertEquals(SrtpStatus.REPLAY, receiver.unprotect(packet, 0, packet.length, 12));
    }

    /** RFC 3711 Appendix B.3: session keys from a master key and salt. */
    @Test
    void rfc3711KeyDerivation() throws Exception {
        byte[] masterKey = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
        byte[] masterSalt = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
        assertEquals("c61e7a93744f39ee10734afe3ff7a087", HEX.formatHex(SessionKeyDerivation.derive(masterKey,
                masterSalt, SessionKeyDerivation.LABEL_RTP_ENCRYPTION, 16)));
        assertEquals("30cbbc08863d8c85d49db34a9ae1", HEX.formatHex(SessionKeyDerivation.derive(masterKey,
                masterSalt, SessionKeyDerivation.LABEL_RTP_SALT, 14)));
        assertEquals("cebe321f6ff7716b6fd4ab49af256a156d38baa4", HEX.formatHex(SessionKeyDerivation.derive(masterKey,
                masterSalt, SessionKeyDerivation.LABEL_RTP_AUTHENTICATION, 20)));
    }

    /**
     * Ours encrypts, jitsi-srtp decrypts, and the other way round: a stream that starts 2,000 packets before a
     * sequence-number wrap and runs 5,000 packets (ROC 0 → 1), with header extensions and CSRCs of varying size,
     * neighbours swapped and a few packets late, one SSRC per direction plus a second stream interleaved.
     */
    @ParameterizedTest
    @CsvSource({"AEAD_AES_128_GCM, true", "AEAD_AES_128_GCM, false",
            "AES_CM_128_HMAC_SHA1_80, true", "AES_CM_128_HMAC_SHA1_80, false"})
    void interoperatesWithJitsiSrtp(SrtpProfile profile, boolean oursSends) {
        SrtpKeys k = keys(profile, 7);
        SrtpSession sender = new SrtpSession(k, oursSends ? RtpTransform.REUSED_CONTEXTS : RtpTransform.JITSI_SRTP);
        SrtpSession receiver = new SrtpSession(k.mirror(), oursSends ? RtpTransform.JITSI_SRTP : RtpTransform.REUSED_CONTEXTS);
        Random r = new Random(3);
        int n = 5000;
        byte[][] plain = new byte[n][];
        byte[][] wire = new byte[n][];
        for (int i = 0; i < n; i++) {
            int ssrc = i % 5 == 4 ? 0x0BADCAFE : 0x12345678;
            plain[i] = rtp((63_536 + i) & 0xFFFF, ssrc, i % 4, i % 3 == 0 ? 0 : 1 + i % 4, r.nextInt(1200), r);
            ByteBuf b = Unpooled.buffer(plain[i].length + SrtpSession.MAX_TRAILER).writeBytes(plain[i]);
            assertEquals(SrtpStatus.OK, sender.protectRtp(b), "protect " + i);
            wire[i] = ByteBufUtil.getBytes(b);
            b.release();
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = 0; i + 1 < n; i += 9) {
            int t = order[i];
            order[i] = order[i + 1];
            order[i + 1] = t;
        }
        for (int i = 100; i + 30 < n; i += 700) {
            int t = order[i];
            System.arraycopy(order, i + 1, order, i, 30);
            order[i + 30] = t;
        }
        for (int idx : order) {
            ByteBuf b = Unpooled.directBuffer(wire[idx].length).writeBytes(wire[idx]);
            assertEquals(SrtpStatus.OK, receiver.unprotectRtp(b), "unprotect " + idx);
            assertArrayEquals(plain[idx], ByteBufUtil.getBytes(b), "packet " + idx);
            b.release();
        }
        assertEquals(SrtpStatus.REPLAY, receiver.unprotectRtp(Unpooled.wrappedBuffer(wire[n - 1].clone())));
    }

    /** The same forgeries get the same answers from both implementations, and leave no state behind. */
    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void refusesWhatJitsiSrtpRefuses(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 9);
        SrtpSession sender = new SrtpSession(k, RtpTransform.JITSI_SRTP);
        byte[] p0 = protect(sender, rtp(1000, 0x11111111, 0, 1, 100, new Random(1)));
        byte[] p1 = protect(sender, rtp(1001, 0x11111111, 0, 1, 100, new Random(2)));
        for (RtpTransform impl : RtpTransform.values()) {
            SrtpSession receiver = new SrtpSession(k.mirror(), impl);
            byte[] payloadFlip = p0.clone();
            payloadFlip[40] ^= 1;
            byte[] headerFlip = p0.clone();
            headerFlip[5] ^= 1; // the timestamp: authenticated, not encrypted
            assertEquals(SrtpStatus.AUTH_FAILED, receiver.unprotectRtp(Unpooled.wrappedBuffer(payloadFlip)), impl.name());
            assertEquals(SrtpStatus.AUTH_FAILED, receiver.unprotectRtp(Unpooled.wrappedBuffer(headerFlip)), impl.name());
            assertEquals(0, receiver.contextCount(false), impl.name() + ": a forged first packet left a context");
            assertEquals(SrtpStatus.OK, receiver.unprotectRtp(Unpooled.wrappedBuffer(p1.clone())), impl.name());
            assertEquals(SrtpStatus.OK, receiver.unprotectRtp(Unpooled.wrappedBuffer(p0.clone())), impl.name());
            assertEquals(SrtpStatus.REPLAY, receiver.unprotectRtp(Unpooled.wrappedBuffer(p0.clone())), impl.name());
            byte[] short1 = Arrays.copyOf(p1, 12 + 8 + profile.authTagLength() - 1);
            assertEquals(SrtpStatus.TOO_SHORT, receiver.unprotectRtp(Unpooled.wrappedBuffer(short1)), impl.name());
        }
    }

    /**
     * Protect and unprotect allocate nothing per packet, on heap and on direct buffers (the forward path's copies are pooled direct).
     * Counted with the JVM's per-thread allocation counter, not timed. jitsi-srtp's transform, measured the same
     * way, allocates 40–100 B per packet (checked here too, so the counter is seen to count).
     */
    @ParameterizedTest
    @CsvSource({"AEAD_AES_128_GCM, true", "AEAD_AES_128_GCM, false",
            "AES_CM_128_HMAC_SHA1_80, true", "AES_CM_128_HMAC_SHA1_80, false"})
    void noAllocationPerPacket(SrtpProfile profile, boolean direct) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        SrtpKeys k = keys(profile, 11);
        byte[] template = rtp(0, 0x22222222, 0, 2, 1100, new Random(4));
        // direct like the forward path's copies, but not wrapped by the paranoid leak detector tests run with,
        // which records a stack trace on every access
        ByteBuf buf = direct ? new UnpooledByteBufAllocator(true, true).directBuffer(1500) : Unpooled.buffer(1500);
        try {
            long ours = allocatedPerPacket(threads, new SrtpSession(k), new SrtpSession(k.mirror()), template, buf);
            long theirs = allocatedPerPacket(threads, new SrtpSession(k, RtpTransform.JITSI_SRTP),
                    new SrtpSession(k.mirror(), RtpTransform.JITSI_SRTP), template, buf);
            assertEquals(0, ours, "B per protect + unprotect on the reused contexts (under 1 B on average passes)");
            assertTrue(theirs >= 32, theirs + " B per protect + unprotect on jitsi-srtp: is the counter counting?");
        } finally {
            buf.release();
        }
    }

    private static long allocatedPerPacket(com.sun.management.ThreadMXBean threads, SrtpSession sender,
                                           SrtpSession receiver, byte[] template, ByteBuf buf) {
        int packets = 20_000;
        int seq = roundTrips(sender, receiver, template, buf, 0, packets); // JIT, contexts, the counter's first use
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        roundTrips(sender, receiver, template, buf, seq, packets);
        return (threads.getThreadAllocatedBytes(tid) - before) / packets;
    }

    private static int roundTrips(SrtpSession sender, SrtpSession receiver, byte[] template, ByteBuf buf,
                                  int seq, int packets) {
        for (int i = 0; i < packets; i++, seq++) {
            buf.setBytes(0, template).setIndex(0, template.length);
            buf.setShort(2, seq);
            if (sender.protectRtp(buf) != SrtpStatus.OK || receiver.unprotectRtp(buf) != SrtpStatus.OK
                    || buf.readableBytes() != template.length) {
                throw new AssertionError("round trip failed at " + seq);
            }
        }
        return seq;
    }

    private static byte[] protect(SrtpSession s, byte[] plain) {
        ByteBuf b = Unpooled.buffer(plain.length + SrtpSession.MAX_TRAILER).writeBytes(plain);
        assertEquals(SrtpStatus.OK, s.protectRtp(b));
        return ByteBufUtil.getBytes(b);
    }

    private static SrtpKeys keys(SrtpProfile profile, long seed) {
        Random r = new Random(seed);
        byte[][] parts = {new byte[profile.keyLength()], new byte[profile.saltLength()],
                new byte[profile.keyLength()], new byte[profile.saltLength()]};
        for (byte[] p : parts) {
            r.nextBytes(p);
        }
        return new SrtpKeys(profile, parts[0], parts[1], parts[2], parts[3]);
    }

    /** An RTP packet with {@code csrcs} CSRCs and, if {@code extWords > 0}, a one-byte-header extension block. */
    private static byte[] rtp(int seq, int ssrc, int csrcs, int extWords, int payloadLength, Random r) {
        int header = 12 + 4 * csrcs + (extWords > 0 ? 4 + 4 * extWords : 0);
        byte[] p = new byte[header + payloadLength];
        r.nextBytes(p);
        p[0] = (byte) (0x80 | (extWords > 0 ? 0x10 : 0) | csrcs);
        p[1] = 96;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        if (extWords > 0) {
            int at = 12 + 4 * csrcs;
            p[at] = (byte) 0xBE;
            p[at + 1] = (byte) 0xDE;
            p[at + 2] = 0;
            p[at + 3] = (byte) extWords;
        }
        return p;
    }
}
