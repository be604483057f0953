package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.javameet.sfu.rtp.RtpHeader;

/**
 * Synthetic Opus over RTP (RFC 7587) shaped like a browser's: one 20 ms frame per packet (960 ticks of the
 * 48 kHz clock, 50 packets a second), about 80 payload bytes, and the ssrc-audio-level header extension
 * (RFC 6464) in the one-byte form (RFC 8285). The payload is a TOC byte (config 15: CELT fullband 20 ms,
 * mono, one frame), a {@link MediaStamp}, and filler.
 */
public final class OpusPacketizer {
    public static final int FRAME_TICKS = 960;
    public static final int PAYLOAD = 80;
    private static final int TOC = 15 << 3;
    private static final int EXTENSION = 8; // 0xBEDE header word + one word holding the 1-byte element

    private final int audioLevelExtId;

    /** @param audioLevelExtId the negotiated extmap id, 0 for no extension */
    public OpusPacketizer(int audioLevelExtId) {
        this.audioLevelExtId = audioLevelExtId;
    }

    /** One packet; {@code level} is the audio level in -dBov (0 loudest, 127 silence). */
    public ByteBuf packet(RtpStream stream, ByteBufAllocator alloc, long timestamp, int level, boolean voice,
                          int senderId, long nowNanos) {
        boolean ext = audioLevelExtId != 0;
        int seq = stream.nextSequenceNumber();
        ByteBuf b = stream.newPacket(alloc, (ext ? EXTENSION : 0) + PAYLOAD, false, timestamp, ext);
        if (ext) {
            b.writeShort(0xBEDE);
            b.writeShort(1);
            b.writeByte(audioLevelExtId << 4); // L=0: one data byte
            b.writeByte((voice ? 0x80 : 0) | (level & 0x7F));
            b.writeShort(0); // padding
        }
        b.writeByte(TOC);
        MediaStamp.write(b, senderId, nowNanos, seq, timestamp);
        b.writeZero(PAYLOAD - 1 - MediaStamp.SIZE);
        return b;
    }

    /** Where the stamp of a received Opus packet starts (absolute index), or -1. */
    public static int stampOffset(ByteBuf rtp) {
        if (RtpHeader.check(rtp) != null) {
            return -1;
        }
        return rtp.readerIndex() + RtpHeader.headerLength(rtp) + 1;
    }
}
