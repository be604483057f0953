package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Minimal RTP packets for tests. */
final class RtpPackets {
    private RtpPackets() {
    }

    /** A header and four payload bytes: nothing codec-specific. */
    static ByteBuf plain(int pt, int seq, long ts) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(pt).writeShort(seq).writeInt((int) ts).writeInt(0x1234);
        b.writeBytes(new byte[] {1, 2, 3, 4});
        return b;
    }
}
