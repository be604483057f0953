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
import java.time.Duration;
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
    void bothFastPathsLoadSoTheseTestsRunThem() {
        assertTrue(RtpContext.available(), "jitsi-srtp's OpenSSL binding did not load");
        assertTrue(ForeignGcmRtpContext.available(), ForeignGcmRtpContext.unavailableReason());
        SrtpKeys k = keys(SrtpProfile.AEAD_AES_128_GCM, 1);
        assertEquals(RtpTransform.FOREIGN_GCM, new SrtpSession(k).rtpTransform());
        assertEquals(RtpTransform.REUSED_CONTEXTS, new SrtpSession(k, RtpTransform.REUSED_CONTEXTS).rtpTransform());
        assertEquals(RtpTransform.JITSI_SRTP, new SrtpSession(k, RtpTransform.JITSI_SRTP).rtpTransform());
        SrtpKeys cm = keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 1);
        assertEquals(RtpTransform.REUSED_CONTEXTS, new SrtpSession(cm).rtpTransform(), "no foreign AES-CM: falls back");
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

    /** The same RFC 7714 vectors through the foreign linker, on native memory, plus its bounds refusals. */
    @Test
    void rfc7714KnownAnswerThroughTheForeignLinker() throws Exception {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] salt = HEX.parseHex("517569642070726f2071756f");
        byte[] plain = HEX.parseHex("8040f17b8041f8d35501a0b2"
                + HEX.formatHex("Gallia est omnis divisa in partes tres".getBytes(StandardCharsets.US_ASCII)));
        byte[] expected = HEX.parseHex("8040f17b8041f8d35501a0b2"
                + "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de"
                + "3adf8833899d7f27beb16a9152cf765ee4390cce");
        java.nio.ByteBuffer packet = java.nio.ByteBuffer.allocateDirect(expected.length + 8);
        long address = ForeignGcmRtpContext.addressOf(packet);
        packet.put(0, plain);
        int seq = 0xf17b;

        ForeignGcmRtpContext sender = new ForeignGcmRtpContext(true, 0x5501a0b2, key, salt);
        assertEquals(SrtpStatus.FAILED, sender.protect(address, seq, plain.length, 12, plain.length + 15),
                "no room for the tag");
        assertEquals(SrtpStatus.OK, sender.protect(address, seq, plain.length, 12, expected.length));
        assertEquals(expected.length, sender.length());
        byte[] got = new byte[expected.length];
        packet.get(0, got);
        assertArrayEquals(expected, got);

        ForeignGcmRtpContext receiver = new ForeignGcmRtpContext(false, 0x5501a0b2, key, salt);
        assertEquals(SrtpStatus.TOO_SHORT, receiver.unprotect(address, seq, 12 + 15, 12));
        packet.put(30, (byte) (expected[30] ^ 1));
        assertEquals(SrtpStatus.AUTH_FAILED, receiver.unprotect(address, seq, expected.length, 12));
        packet.put(0, expected);
        assertEquals(SrtpStatus.OK, receiver.unprotect(address, seq, expected.length, 12));
        assertEquals(plain.length, receiver.length());
        packet.get(0, got, 0, plain.length);
        assertArrayEquals(plain, Arrays.copyOf(got, plain.length));
        packet.put(0, expected);
        assertEquals(SrtpStatus.REPLAY, receiver.unprotect(address, seq, expected.length, 12));
        sender.wipe();
        sender.wipe(); // idempotent: the native context is freed once
        receiver.wipe();
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
    @CsvSource({"AEAD_AES_128_GCM, REUSED_CONTEXTS, true", "AEAD_AES_128_GCM, REUSED_CONTEXTS, false",
            "AEAD_AES_128_GCM, FOREIGN_GCM, true", "AEAD_AES_128_GCM, FOREIGN_GCM, false",
            "AES_CM_128_HMAC_SHA1_80, REUSED_CONTEXTS, true", "AES_CM_128_HMAC_SHA1_80, REUSED_CONTEXTS, false"})
    void interoperatesWithJitsiSrtp(SrtpProfile profile, RtpTransform ours, boolean oursSends) {
        SrtpKeys k = keys(profile, 7);
        SrtpSession sender = new SrtpSession(k, oursSends ? ours : RtpTransform.JITSI_SRTP);
        SrtpSession receiver = new SrtpSession(k.mirror(), oursSends ? RtpTransform.JITSI_SRTP : ours);
        assertEquals(ours, (oursSends ? sender : receiver).rtpTransform());
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
     * Garbage, on direct buffers of exactly its size (nothing past the end to hide an overrun) and on heap ones:
     * the foreign path gives the same status as the reused contexts for every packet, never throws, and a
     * protect writes its tag inside the buffer it grew. 20,000 random packets with random CSRC counts and
     * extension lengths, many of them pointing past the end.
     */
    @Test
    void garbageGetsTheSameAnswersOnTheForeignPath() {
        SrtpKeys k = keys(SrtpProfile.AEAD_AES_128_GCM, 13);
        SrtpSession foreignIn = new SrtpSession(k.mirror(), RtpTransform.FOREIGN_GCM);
        SrtpSession reusedIn = new SrtpSession(k.mirror(), RtpTransform.REUSED_CONTEXTS);
        SrtpSession foreignOut = new SrtpSession(k, RtpTransform.FOREIGN_GCM);
        Random r = new Random(17);
        UnpooledByteBufAllocator untracked = new UnpooledByteBufAllocator(true, true);
        java.util.Map<SrtpStatus, Integer> seen = new java.util.EnumMap<>(SrtpStatus.class);
        int protectedOk = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[r.nextInt(300)];
            r.nextBytes(data);
            if (data.length > 0) {
                data[0] = (byte) (0x80 | (data[0] & 0x3f)); // version 2, so it reaches the cipher; X and CC random
            }
            boolean direct = r.nextBoolean();
            // exactly the packet's size: a protect must grow the buffer for its tag (and then use the new memory)
            ByteBuf a = direct ? untracked.directBuffer(data.length) : Unpooled.buffer(data.length);
            ByteBuf b = Unpooled.wrappedBuffer(data.clone());
            try {
                a.writeBytes(data);
                SrtpStatus foreign = foreignIn.unprotectRtp(a);
                SrtpStatus reused = reusedIn.unprotectRtp(b);
                assertEquals(reused, foreign, "packet " + i + " (" + data.length + " B)");
                seen.merge(foreign, 1, Integer::sum);
                a.clear().writeBytes(data);
                if (data.length >= 12) {
                    a.setInt(8, 0x0102_0304); // one stream: a context per random SSRC would stop at MAX_CONTEXTS
                }
                SrtpStatus protect = foreignOut.protectRtp(a);
                if (protect == SrtpStatus.OK) {
                    assertEquals(data.length + 16, a.readableBytes(), "packet " + i);
                    assertTrue(a.writerIndex() <= a.capacity());
                    protectedOk++;
                }
            } finally {
                a.release();
                b.release();
            }
        }
        foreignIn.close();
        reusedIn.close();
        foreignOut.close();
        // the cipher was reached: much of the garbage fails its tag (7,924 of 20,000 with this seed), the rest is too short
        assertTrue(seen.getOrDefault(SrtpStatus.AUTH_FAILED, 0) > 5_000, seen.toString());
        assertTrue(seen.getOrDefault(SrtpStatus.TOO_SHORT, 0) > 5_000, seen.toString());
        assertTrue(protectedOk > 5_000, protectedOk + " protected"); // 8,430: the rest claim a longer header
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
            long ours = allocatedPerPacket(threads, new SrtpSession(k), new SrtpSession(k.mirror()), template, buf,
                    Duration.ofSeconds(30));
            long theirs = allocatedPerPacket(threads, new SrtpSession(k, RtpTransform.JITSI_SRTP),
                    new SrtpSession(k.mirror(), RtpTransform.JITSI_SRTP), template, buf, Duration.ZERO);
            assertEquals(0, ours, "B per protect + unprotect on " + new SrtpSession(k).rtpTransform()
                    + " (under 1 B on average passes)");
            assertTrue(theirs >= 32, theirs + " B per protect + unprotect on jitsi-srtp: is the counter counting?");
        } finally {
            buf.release();
        }
    }

    private static long allocatedPerPacket(com.sun.management.ThreadMXBean threads, SrtpSession sender,
                                           SrtpSession receiver, byte[] template, ByteBuf buf, Duration untilZero) {
        int packets = 20_000;
        int seq = roundTrips(sender, receiver, template, buf, 0, packets); // JIT, contexts, the counter's first use
        long tid = Thread.currentThread().getId();
        // Steady state is the claim: the foreign linker's calls allocate (boxing, scratch segments) until C2 has
        // compiled them, which on a busy machine, or after another test has sent the same code down every branch,
        // can take seconds. So rounds repeat, for up to untilZero, until one allocates nothing; a per-packet
        // allocation that stays never gets there.
        long perPacket = Long.MAX_VALUE;
        long deadline = System.nanoTime() + untilZero.toNanos();
        do {
            long before = threads.getThreadAllocatedBytes(tid);
            seq = roundTrips(sender, receiver, template, buf, seq, packets);
            perPacket = (threads.getThreadAllocatedBytes(tid) - before) / packets;
        } while (perPacket > 0 && System.nanoTime() < deadline);
        return perPacket;
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
