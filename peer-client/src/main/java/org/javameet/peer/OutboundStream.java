package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * One stream we send: its SSRC, sequence numbers (random start, RFC 3550 §5.1), the counts a sender report
 * needs, and (for video) the last packets in plain text so NACKs can be answered, on the RTX stream when one
 * was negotiated (RFC 4588). Loop only.
 */
public final class OutboundStream implements RtpStream {
    /** Packets kept for retransmission: about 1.5 s of 2.5 Mbps video. */
    static final int HISTORY = 512;

    final MediaKind kind;
    final long ssrc;
    final int payloadType;
    final long rtxSsrc;
    final int rtxPayloadType;
    final int clockRate;
    private final byte[][] history;

    int seq = ThreadLocalRandom.current().nextInt(0x10000);
    private int rtxSeq = ThreadLocalRandom.current().nextInt(0x10000);
    /** Random timestamp base; {@link #timestampAt} maps a media clock to it. */
    final long timestampBase = ThreadLocalRandom.current().nextLong(0x1_0000_0000L);
    /** When the stream's clock started: {@link #timestampAt} counts from here. */
    long startNanos = System.nanoTime();

    long packetsSent;
    /** Media packets (not retransmissions) sent inside the runtime's {@link MeasurementWindow}. */
    long windowSent;
    /** The sequence number of the first of them, -1 before one: the window's packets are the next {@link #windowSent}. */
    int windowFirstSeq = -1;
    long octetsSent;
    long lastTimestamp;
    long keyframesSent;
    long framesSent;
    long retransmissionsSent;
    long nacksReceived;
    long nackedPacketsMissing;
    long plisReceived;
    long firsReceived;
    long receiverReports;
    long lastFractionLost;
    long lastCumulativeLost;
    long rembs;
    long lastRembBitrate;
    long senderReportsSent;
    long layerPauses;
    long layerResumes;
    /** A header extension block (RFC 8285) every media packet carries, or null: a simulcast layer's mid and rid. */
    private byte[] extensionBlock;
    /** The block its RTX packets carry (mid and repaired-rid), or null. */
    private byte[] rtxExtensionBlock;

    OutboundStream(MediaKind kind, long ssrc, int payloadType, long rtxSsrc, int rtxPayloadType, int clockRate) {
        this.kind = kind;
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.rtxSsrc = rtxSsrc;
        this.rtxPayloadType = rtxPayloadType;
        this.clockRate = clockRate;
        this.history = kind == MediaKind.VIDEO ? new byte[HISTORY][] : null;
    }

    /**
     * Header extension blocks (profile, length and elements, RFC 8285 §4.2) to put on every media and every RTX
     * packet of this stream; {@link #newPacket} writes them, so packetizers need not know.
     */
    void extensions(byte[] media, byte[] rtx) {
        this.extensionBlock = media;
        this.rtxExtensionBlock = rtx;
    }

    /** The RTP timestamp of a moment, on this stream's clock. */
    long timestampAt(long nanos) {
        return (timestampBase + (nanos - startNanos) * clockRate / 1_000_000_000L) & 0xFFFFFFFFL;
    }

    @Override
    public int nextSequenceNumber() {
        return seq;
    }

    @Override
    public ByteBuf newPacket(ByteBufAllocator alloc, int payloadAndExt, boolean marker, long timestamp, boolean extension) {
        if (extensionBlock != null && !extension) { // the caller writes no block of its own: ours goes first
            ByteBuf b = RtpStream.header(alloc, extensionBlock.length + payloadAndExt, marker, payloadType, seq,
                    timestamp, ssrc, true);
            b.writeBytes(extensionBlock);
            seq = (seq + 1) & 0xFFFF;
            return b;
        }
        ByteBuf b = RtpStream.header(alloc, payloadAndExt, marker, payloadType, seq, timestamp, ssrc, extension);
        seq = (seq + 1) & 0xFFFF;
        return b;
    }

    /** Counts a finished packet as sent inside the runtime's {@link MeasurementWindow}. */
    void sentInWindow(ByteBuf packet) {
        if (windowSent++ == 0) {
            windowFirstSeq = RtpHeader.sequenceNumber(packet);
        }
    }

    /** Counts a finished packet and keeps a plain-text copy for NACKs. Call before it is encrypted. */
    void sent(ByteBuf packet) {
        packetsSent++;
        octetsSent += RtpHeader.payloadLength(packet);
        lastTimestamp = RtpHeader.timestamp(packet);
        if (history != null) {
            byte[] copy = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), copy);
            history[RtpHeader.sequenceNumber(packet) % HISTORY] = copy;
        }
    }

    /**
     * The retransmission of {@code seq}: an RTX packet (OSN + original payload, RFC 4588 §4) when RTX is
     * negotiated, else the original packet again; null when it is no longer kept.
     */
    ByteBuf retransmission(ByteBufAllocator alloc, int seq) {
        if (history == null) {
            return null;
        }
        byte[] p = history[seq % HISTORY];
        if (p == null || ((p[2] & 0xFF) << 8 | p[3] & 0xFF) != seq) {
            return null;
        }
        if (rtxSsrc == 0) {
            ByteBuf b = alloc.heapBuffer(p.length + SrtpSession.MAX_TRAILER);
            b.writeBytes(p);
            return b;
        }
        ByteBuf original = io.netty.buffer.Unpooled.wrappedBuffer(p);
        int headerLength = RtpHeader.headerLength(original);
        int payloadLength = RtpHeader.payloadLength(original);
        original.release();
        int ext = rtxExtensionBlock == null ? 0 : rtxExtensionBlock.length;
        ByteBuf b = alloc.heapBuffer(RtpHeader.FIXED_HEADER_LENGTH + ext + 2 + payloadLength + SrtpSession.MAX_TRAILER);
        b.writeByte(ext > 0 ? 0x90 : 0x80);
        b.writeByte((p[1] & 0x80) | rtxPayloadType);
        b.writeShort(rtxSeq);
        rtxSeq = (rtxSeq + 1) & 0xFFFF;
        b.writeBytes(p, 4, 4); // original timestamp
        b.writeInt((int) rtxSsrc);
        if (ext > 0) {
            b.writeBytes(rtxExtensionBlock);
        }
        b.writeShort(seq);
        b.writeBytes(p, headerLength, payloadLength);
        return b;
    }
}
