package org.javameet.sfu.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpSessionTest {
    private static final HexFormat HEX = HexFormat.of();

    // libSRTP srtp_validate() / srtp_validate_gcm() reference packets (test/srtp_driver.c):
    // SSRC 0xcafebabe, SEQ 0x1234, ROC 0; the SRTCP ones carry SRTCP index 1.
    private static final byte[] RTP_PLAIN = HEX.parseHex("800f1234decafbadcafebabe" + "ab".repeat(16));
    private static final byte[] RTCP_PLAIN = HEX.parseHex("81c8000bcafebabe" + "ab".repeat(16));
    private static final byte[] CM_KEY = HEX.parseHex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] CM_SALT = HEX.parseHex("0ec675ad498afeebb6960b3aabe6");
    private static final byte[] CM_RTP = HEX.parseHex(
            "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb");
    private static final byte[] CM_RTCP = HEX.parseHex(
            "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798");
    private static final byte[] GCM_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaab");
    private static final byte[] GCM_RTP = HEX.parseHex(
            "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392");
    private static final byte[] GCM_RTCP = HEX.parseHex(
            "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001");

    private final List<ByteBuf> buffers = new ArrayList<>();

    @org.junit.jupiter.api.BeforeAll
    static void warmUp() {
        SrtpSession.warmUp();
    }

    @AfterEach
    void releaseBuffers() {
        for (ByteBuf b : buffers) {
            if (b.refCnt() > 0) {
                b.release();
            }
        }
    }

    private ByteBuf heap(byte[] content) {
        ByteBuf b = Unpooled.buffer(content.length + SrtpSession.MAX_TRAILER);
        b.writeBytes(content);
        buffers.add(b);
        return b;
    }

    private ByteBuf direct(byte[] content) {
        ByteBuf b = Unpooled.directBuffer(content.length + SrtpSession.MAX_TRAILER);
        b.writeBytes(content);
        buffers.add(b);
        return b;
    }

    private static SrtpKeys keys(SrtpProfile profile, long seed) {
        Random r = new Random(seed);
        byte[][] parts = new byte[4][];
        for (int i = 0; i < 4; i++) {
            parts[i] = new byte[i % 2 == 0 ? profile.keyLength() : profile.saltLength()];
            r.nextBytes(parts[i]);
        }
        return new SrtpKeys(profile, parts[0], parts[1], parts[2], parts[3]);
    }

    private static byte[] rtp(int seq, int ssrc, int payloadLength, Random r) {
        byte[] p = new byte[12 + payloadLength];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (seq * 7);
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        byte[] payload = new byte[payloadLength];
        r.nextBytes(payload);
        System.arraycopy(payload, 0, p, 12, payloadLength);
        return p;
    }

    private static byte[] rtcp(int ssrc, int i) {
        // A receiver report with one report block (RFC 3550 §6.4.2), 32 bytes.
        byte[] p = new byte[32];
        p[0] = (byte) 0x81;
        p[1] = (byte) 201;
        p[3] = 7;
        p[4] = (byte) (ssrc >> 24);
        p[5] = (byte) (ssrc >> 16);
        p[6] = (byte) (ssrc >> 8);
        p[7] = (byte) ssrc;
        p[12] = (byte) i;
        p[20] = (byte) (i >> 8);
        return p;
    }

    private static byte[] bytes(ByteBuf b) {
        return ByteBufUtil.getBytes(b);
    }

    // --- known answers -------------------------------------------------------------------

    @Test
    void aesCmKnownAnswerRtp() {
        SrtpKeys k = new SrtpKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY, CM_SALT, CM_KEY, CM_SALT);
        ByteBuf b = heap(RTP_PLAIN);
        assertEquals(SrtpStatus.OK, new SrtpSession(k).protectRtp(b));
        assertArrayEquals(CM_RTP, bytes(b));

        ByteBuf c = heap(CM_RTP);
        assertEquals(SrtpStatus.OK, new SrtpSession(k).unprotectRtp(c));
        assertArrayEquals(RTP_PLAIN, bytes(c));
    }

    @Test
    void gcmKnownAnswerRtp() {
        SrtpKeys k = new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, GCM_KEY, GCM_SALT);
        ByteBuf b = heap(RTP_PLAIN);
        assertEquals(SrtpStatus.OK, new SrtpSession(k).protectRtp(b));
        assertArrayEquals(GCM_RTP, bytes(b));

        ByteBuf c = heap(GCM_RTP);
        assertEquals(SrtpStatus.OK, new SrtpSession(k).unprotectRtp(c));
        assertArrayEquals(RTP_PLAIN, bytes(c));
    }

    @Test
    void knownAnswerRtcpUnprotect() {
        // libSRTP numbers SRTCP from 1, jitsi-srtp from 0, so only the receive side is byte-comparable.
        SrtpKeys cm = new SrtpKeys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY, CM_SALT, CM_KEY, CM_SALT);
        ByteBuf b = heap(CM_RTCP);
        assertEquals(SrtpStatus.OK, new SrtpSession(cm).unprotectRtcp(b));
        assertArrayEquals(RTCP_PLAIN, bytes(b));

        SrtpKeys gcm = new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT, GCM_KEY, GCM_SALT);
        ByteBuf c = heap(GCM_RTCP);
        assertEquals(SrtpStatus.OK, new SrtpSession(gcm).unprotectRtcp(c));
        assertArrayEquals(RTCP_PLAIN, bytes(c));
    }

    @Test
    void keyingMaterialSplitFollowsRfc5764() {
        SrtpProfile p = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        byte[] m = new byte[SrtpKeys.keyingMaterialLength(p)];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) i;
        }
        SrtpKeys server = SrtpKeys.fromKeyingMaterial(p, m, true);
        SrtpKeys client = SrtpKeys.fromKeyingMaterial(p, m, false);
        assertEquals(60, m.length);
        assertEquals(16, server.localKey()[0]);  // server_write_key follows client_write_key
        assertEquals(0, server.remoteKey()[0]);
        assertEquals(46, server.localSalt()[0]); // server_write_salt is last
        assertEquals(32, server.remoteSalt()[0]);
        assertEquals(server, client.mirror());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.fromId(7));
        assertEquals(null, SrtpProfile.fromId(2));
    }

    // --- round trips ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripAcrossSequenceWrapWithReordering(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 1);
        SrtpSession a = new SrtpSession(k);
        SrtpSession b = new SrtpSession(k.mirror());
        Random r = new Random(2);
        int ssrc = 0x12345678;
        int firstSeq = 63_000; // the receiver joins mid-stream, 2536 packets before the wrap
        byte[][] plain = new byte[5000][];
        byte[][] wire = new byte[plain.length][];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = rtp((firstSeq + i) & 0xffff, ssrc, 20 + r.nextInt(200), r);
            ByteBuf buf = heap(plain[i]);
            assertEquals(SrtpStatus.OK, a.protectRtp(buf));
            assertEquals(plain[i].length + profile.authTagLength(), buf.readableBytes());
            wire[i] = bytes(buf);
        }
        // deliver with neighbours swapped and some packets 20 late
        int[] order = new int[plain.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = 0; i + 1 < order.length; i += 7) {
            int t = order[i];
            order[i] = order[i + 1];
            order[i + 1] = t;
        }
        for (int i = 50; i + 20 < order.length; i += 500) {
            int t = order[i];
            System.arraycopy(order, i + 1, order, i, 20);
            order[i + 20] = t;
        }
        for (int idx : order) {
            ByteBuf buf = heap(wire[idx]);
            assertEquals(SrtpStatus.OK, b.unprotectRtp(buf), "packet " + idx);
            assertArrayEquals(plain[idx], bytes(buf), "packet " + idx);
        }
    }

    @Test
    void rocIsTrackedOverSeveralWraps() {
        SrtpKeys k = keys(SrtpProfile.AEAD_AES_128_GCM, 3);
        SrtpSession a = new SrtpSession(k);
        SrtpSession b = new SrtpSession(k.mirror());
        Random r = new Random(4);
        int seq = 65_000;
        byte[] lastPlain = null;
        ByteBuf buf = Unpooled.buffer(64);
        buffers.add(buf);
        for (int i = 0; i < 3 * 65_536 + 100; i++) {
            byte[] p = rtp(seq & 0xffff, 42, 8, r);
            buf.clear().writeBytes(p);
            assertEquals(SrtpStatus.OK, a.protectRtp(buf));
            // the receiver only hears every 100th packet: still well inside half the sequence space
            if (i % 100 == 0) {
                assertEquals(SrtpStatus.OK, b.unprotectRtp(buf), "seq " + seq);
                assertArrayEquals(p, bytes(buf));
            }
            seq++;
            lastPlain = p;
        }
        assertNotNull(lastPlain);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTrip(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 5);
        SrtpSession a = new SrtpSession(k);
        SrtpSession b = new SrtpSession(k.mirror());
        List<byte[]> plain = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            byte[] p = rtcp(i % 2 == 0 ? 0x0a0b0c0d : 0x01020304, i);
            ByteBuf buf = heap(p);
            assertEquals(SrtpStatus.OK, a.protectRtcp(buf));
            assertEquals(p.length + 4 + profile.authTagLength(), buf.readableBytes());
            // RFC 3711 §3.4 puts E|index before the tag, RFC 7714 §17 after it (the tag is part of the ciphertext)
            int eByte = profile == SrtpProfile.AEAD_AES_128_GCM ? buf.readableBytes() - 4 : p.length;
            assertEquals(0x80, buf.getUnsignedByte(eByte) & 0x80, "E bit set");
            plain.add(p);
            wire.add(bytes(buf));
        }
        for (int i = 0; i < plain.size(); i++) {
            int idx = (i % 10 == 0 && i + 1 < plain.size()) ? i + 1 : (i % 10 == 1 ? i - 1 : i);
            ByteBuf buf = heap(wire.get(idx));
            assertEquals(SrtpStatus.OK, b.unprotectRtcp(buf), "packet " + idx);
            assertArrayEquals(plain.get(idx), bytes(buf));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void directBuffersTakeTheCopyPath(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 6);
        SrtpSession a = new SrtpSession(k);
        SrtpSession b = new SrtpSession(k.mirror());
        byte[] p = rtp(1, 7, 100, new Random(7));
        ByteBuf buf = direct(p);
        assertEquals(SrtpStatus.OK, a.protectRtp(buf));
        ByteBuf heapCopy = heap(bytes(buf));
        assertEquals(SrtpStatus.OK, b.unprotectRtp(buf));
        assertArrayEquals(p, bytes(buf));
        assertEquals(SrtpStatus.REPLAY, b.unprotectRtp(heapCopy));

        byte[] c = rtcp(7, 1);
        ByteBuf rb = direct(c);
        assertEquals(SrtpStatus.OK, a.protectRtcp(rb));
        assertEquals(SrtpStatus.OK, b.unprotectRtcp(rb));
        assertArrayEquals(c, bytes(rb));
    }

    @Test
    void readerIndexIsRespectedAndMissingTailRoomIsGrown() {
        SrtpKeys k = keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 8);
        byte[] p = rtp(9, 9, 30, new Random(9));
        ByteBuf buf = Unpooled.buffer(5 + p.length, 1024); // no tail room at all
        buffers.add(buf);
        buf.writeBytes(new byte[] {1, 2, 3, 4, 5}).writeBytes(p).readerIndex(5);
        assertEquals(SrtpStatus.OK, new SrtpSession(k).protectRtp(buf));
        assertEquals(5, buf.readerIndex());
        assertEquals(p.length + 10, buf.readableBytes());
        assertEquals(SrtpStatus.OK, new SrtpSession(k.mirror()).unprotectRtp(buf));
        assertArrayEquals(p, bytes(buf));
        assertEquals(3, buf.getByte(2));
    }

    // --- failures ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedPacketFailsAuthenticationAndLeavesIndicesAlone(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 10);
        SrtpSession a = new SrtpSession(k);
        SrtpSession b = new SrtpSession(k.mirror());
        byte[] p = rtp(100, 5, 50, new Random(10));
        ByteBuf buf = heap(p);
        a.protectRtp(buf);
        byte[] wire = bytes(buf);
        for (int pos : new int[] {1, 13, wire.length - 1}) {
            byte[] t = wire.clone();
            t[pos] ^= 0x01;
            ByteBuf tb = heap(t);
            assertEquals(SrtpStatus.AUTH_FAILED, b.unprotectRtp(tb), "flipped byte " + pos);
            assertEquals(t.length, tb.readableBytes());
        }
        // the genuine packet still goes through after the forgeries
        assertEquals(SrtpStatus.OK, b.unprotectRtp(heap(wire)));

        byte[] c = rtcp(5, 1);
        ByteBuf cb = heap(c);
        a.protectRtcp(cb);
        byte[] t = bytes(cb);
        t[10] ^= 0x40;
        assertEquals(SrtpStatus.AUTH_FAILED, b.unprotectRtcp(heap(t)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedPacketIsRejected(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 11);
        SrtpSession a = new SrtpSession(k);
        SrtpSession b = new SrtpSession(k.mirror());
        Random r = new Random(11);
        byte[] first = null;
        for (int seq = 1000; seq < 1100; seq++) {
            ByteBuf buf = heap(rtp(seq, 5, 10, r));
            a.protectRtp(buf);
            byte[] wire = bytes(buf);
            if (first == null) {
                first = wire;
            }
            assertEquals(SrtpStatus.OK, b.unprotectRtp(buf));
            if (seq == 1050) {
                assertEquals(SrtpStatus.REPLAY, b.unprotectRtp(heap(wire)));
            }
        }
        assertEquals(SrtpStatus.REPLAY, b.unprotectRtp(heap(first)), "older than the window");

        ByteBuf c = heap(rtcp(5, 0));
        a.protectRtcp(c);
        byte[] w = bytes(c);
        assertEquals(SrtpStatus.OK, b.unprotectRtcp(c));
        assertEquals(SrtpStatus.REPLAY, b.unprotectRtcp(heap(w)));
    }

    @Test
    void senderMayResendASequenceNumber() {
        // A NACK answered without RTX re-protects the same sequence number.
        SrtpKeys k = keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 12);
        SrtpSession a = new SrtpSession(k);
        byte[] p = rtp(77, 5, 10, new Random(12));
        ByteBuf one = heap(p);
        ByteBuf two = heap(p);
        assertEquals(SrtpStatus.OK, a.protectRtp(one));
        assertEquals(SrtpStatus.OK, a.protectRtp(two));
        assertArrayEquals(bytes(one), bytes(two));
    }

    @Test
    void shortAndMalformedPacketsAreNamed() {
        SrtpSession s = new SrtpSession(keys(SrtpProfile.AES_CM_128_HMAC_SHA1_80, 13));
        assertEquals(SrtpStatus.TOO_SHORT, s.unprotectRtp(heap(new byte[0])));
        assertEquals(SrtpStatus.TOO_SHORT, s.unprotectRtp(heap(new byte[11])));
        assertEquals(SrtpStatus.TOO_SHORT, s.unprotectRtp(heap(rtp(1, 1, 5, new Random()))), "shorter than the tag");
        assertEquals(SrtpStatus.TOO_SHORT, s.protectRtp(heap(new byte[3])));
        assertEquals(SrtpStatus.TOO_SHORT, s.unprotectRtcp(heap(new byte[7])));
        assertEquals(SrtpStatus.TOO_SHORT, s.unprotectRtcp(heap(java.util.Arrays.copyOf(rtcp(1, 1), 21))),
                "no room for index and tag");
        byte[] csrcs = rtp(1, 1, 8, new Random());
        csrcs[0] = (byte) 0x8f; // 15 CSRCs announced, none present
        assertEquals(SrtpStatus.TOO_SHORT, s.protectRtp(heap(csrcs)));
        byte[] ext = rtp(1, 1, 0, new Random());
        ext[0] = (byte) 0x90; // extension bit without the extension header
        assertEquals(SrtpStatus.TOO_SHORT, s.unprotectRtp(heap(ext)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void fuzzedInputNeverThrowsAndLeavesNoContexts(SrtpProfile profile) {
        SrtpKeys k = keys(profile, 14);
        SrtpSession a = new SrtpSession(k);
        SrtpSession b = new SrtpSession(k.mirror());
        Random r = new Random(15);
        int ok = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] g = new byte[r.nextInt(120)];
            r.nextBytes(g);
            if (g.length > 0 && r.nextBoolean()) {
                g[0] = (byte) (0x80 | (g[0] & 0x3f)); // looks like RTP/RTCP per RFC 7983
            }
            ByteBuf buf = Unpooled.buffer(g.length + SrtpSession.MAX_TRAILER);
            try {
                buf.writeBytes(g);
                SrtpStatus s = switch (i % 4) {
                    case 0 -> b.unprotectRtp(buf);
                    case 1 -> b.unprotectRtcp(buf);
                    case 2 -> a.protectRtp(buf);
                    default -> a.protectRtcp(buf);
                };
                assertNotNull(s);
                if (i % 4 < 2) {
                    assertNotEquals(SrtpStatus.OK, s);
                } else if (s == SrtpStatus.OK) {
                    ok++;
                }
            } finally {
                buf.release();
            }
        }
        // protect of random bytes mostly succeeds (it is just plaintext); unprotect never did
        assertNotEquals(0, ok);
        assertEquals(0, b.contextCount(false), "garbage left no receive contexts behind");
        // the genuine stream still works after all that garbage
        byte[] p = rtp(5, 99, 40, r);
        ByteBuf buf = heap(p);
        assertEquals(SrtpStatus.OK, new SrtpSession(k).protectRtp(buf));
        assertEquals(SrtpStatus.OK, b.unprotectRtp(buf));
        assertArrayEquals(p, bytes(buf));
    }
}
