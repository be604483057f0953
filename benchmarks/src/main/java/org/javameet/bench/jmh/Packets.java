package org.javameet.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.javameet.sfu.rtcp.Nack;
import org.javameet.sfu.rtcp.ReportBlock;
import org.javameet.sfu.rtcp.Sdes;
import org.javameet.sfu.rtcp.SenderReport;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpProfile;
import org.javameet.sfu.stun.StunMessageBuilder;

/**
 * Packets shaped like what Chromium sends, built once per trial. Every template is a plain byte array;
 * benchmarks copy it into the buffer kind they measure.
 *
 * <p>Publisher-side header extension ids follow Chromium's offer: 1 ssrc-audio-level, 2 abs-send-time,
 * 3 transport-wide-cc (RFC 8285 one-byte form).
 */
final class Packets {
    static final int AUDIO_LEVEL_ID = 1;
    static final int ABS_SEND_TIME_ID = 2;
    static final int TRANSPORT_CC_ID = 3;

    private Packets() {
    }

    /** A plaintext RTP packet of exactly {@code kind.length} bytes, sequence number {@code seq}. */
    static byte[] rtp(PacketShape kind, int seq) {
        ByteBuf b = Unpooled.buffer(kind.length);
        b.writeByte(0x90); // V=2, X=1
        b.writeByte(kind == PacketShape.VIDEO ? 0x80 | kind.payloadType : kind.payloadType); // marker on the video packet
        b.writeShort(seq);
        b.writeInt(0x12345678);
        b.writeInt(0x0BADCAFE); // publisher SSRC
        // RFC 8285 one-byte block: id<<4 | (len-1), data; zero padding to a word.
        int blockStart = b.writerIndex();
        b.writeShort(0xBEDE);
        b.writeShort(0); // length in words, patched below
        if (kind.audioLevel) {
            b.writeByte(AUDIO_LEVEL_ID << 4).writeByte(0x80 | 42); // voice activity, -42 dBov
        }
        b.writeByte(ABS_SEND_TIME_ID << 4 | 2).writeMedium(0x1234AB);
        b.writeByte(TRANSPORT_CC_ID << 4 | 1).writeShort(4711);
        while ((b.writerIndex() - blockStart) % 4 != 0) {
            b.writeByte(0);
        }
        b.setShort(blockStart + 2, (b.writerIndex() - blockStart - 4) / 4);
        // Payload: a VP8 payload descriptor (S=1, keyframe) or Opus TOC, then noise.
        if (kind == PacketShape.VIDEO) {
            b.writeByte(0x10).writeByte(0x00);
        } else {
            b.writeByte(0x78);
        }
        SplittableRandom r = new SplittableRandom(kind.ordinal());
        while (b.writerIndex() < kind.length) {
            b.writeByte(r.nextInt(256));
        }
        if (RtpHeader.check(b) != null) {
            throw new IllegalStateException("bad template: " + RtpHeader.check(b));
        }
        return ByteBufUtil.getBytes(b);
    }

    /** Fixed, non-zero test keys; the receiving side uses {@link SrtpKeys#mirror()}. */
    static SrtpKeys keys(SrtpProfile profile) {
        byte[] localKey = new byte[profile.keyLength()];
        byte[] localSalt = new byte[profile.saltLength()];
        byte[] remoteKey = new byte[profile.keyLength()];
        byte[] remoteSalt = new byte[profile.saltLength()];
        SplittableRandom r = new SplittableRandom(profile.id());
        for (byte[] a : List.of(localKey, localSalt, remoteKey, remoteSalt)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) r.nextInt(256);
            }
        }
        return new SrtpKeys(profile, localKey, localSalt, remoteKey, remoteSalt);
    }

    static final String ICE_PWD = "asd88fgpdd777uzjYhagZg3f";
    static final String USERNAME = "evtj:h6vY"; // local ufrag : remote ufrag
    static final byte[] TRANSACTION_ID = "0123456789ab".getBytes(StandardCharsets.US_ASCII);
    static final InetSocketAddress MAPPED = new InetSocketAddress("192.0.2.1", 32853);

    /** A connectivity check as Chromium sends it to an ICE-lite server (RFC 8445 §7.1). */
    static byte[] stunBindingRequest() {
        ByteBuf b = Unpooled.buffer(128);
        StunMessageBuilder.bindingRequest(TRANSACTION_ID)
                .username(USERNAME)
                .attribute(0xC057, new byte[] {0, 1, 0, 10}) // GOOG-NETWORK-INFO, as Chromium adds it
                .iceControlling(0x0102030405060708L)
                .useCandidate()
                .priority(1853824767L)
                .messageIntegrity(ICE_PWD.getBytes(StandardCharsets.UTF_8))
                .fingerprint()
                .writeTo(b);
        return ByteBufUtil.getBytes(b);
    }

    /** The compound a publisher sends every second or so: SR with one report block, then SDES CNAME. */
    static byte[] senderReportCompound() {
        SenderReport sr = new SenderReport(0x0BADCAFEL, 0xE8D4A51000000000L, 0x12345678L, 12345, 9876543,
                List.of(new ReportBlock(0x11223344L, 3, 17, 70000, 25, 0x12340000L, 6554)));
        Sdes sdes = Sdes.cname(0x0BADCAFEL, "Yc3iXj5dQ1ZrWmk+");
        ByteBuf b = Unpooled.buffer(sr.marshalSize() + sdes.marshalSize());
        sr.marshalTo(b);
        sdes.marshalTo(b);
        return ByteBufUtil.getBytes(b);
    }

    /** A generic NACK from a subscriber naming 5 lost packets in two PID/BLP items. */
    static byte[] nack() {
        Nack nack = Nack.of(0x01020304L, 0x0BADCAFEL, new int[] {1000, 1001, 1003, 1016, 1200});
        ByteBuf b = Unpooled.buffer(nack.marshalSize());
        nack.marshalTo(b);
        return ByteBufUtil.getBytes(b);
    }
}
