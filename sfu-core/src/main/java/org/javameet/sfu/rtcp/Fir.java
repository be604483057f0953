package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Full intra request (RFC 5104 §4.3.1), PT=206 FMT=4; the media source SSRC in the common header is 0 and
 * the targets are in the FCI entries:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record Fir(long senderSsrc, List<Entry> entries) {
    /** One FCI entry: the SSRC asked for a keyframe and the request's command sequence number. */
    public record Entry(long ssrc, int seqNr) {
    }

    public Fir {
        entries = List.copyOf(entries);
    }

    public static Fir parse(ByteBuf buf, int off, int length) throws RtcpException {
        int content = Rtcp.checkFeedback(buf, off, length, RtcpHeader.PSFB, Rtcp.FMT_FIR);
        if ((content - 12) % 8 != 0) {
            throw new RtcpException(RtcpError.BAD_LENGTH);
        }
        int n = (content - 12) / 8;
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int p = off + 12 + i * 8;
            entries.add(new Entry(buf.getUnsignedInt(p), buf.getUnsignedByte(p + 4)));
        }
        return new Fir(buf.getUnsignedInt(off + 4), entries);
    }

    public int marshalSize() {
        return 12 + 8 * entries.size();
    }

    public void marshalTo(ByteBuf dst) {
        RtcpHeader.write(dst, Rtcp.FMT_FIR, RtcpHeader.PSFB, marshalSize());
        dst.writeInt((int) senderSsrc);
        dst.writeInt(0);
        for (Entry e : entries) {
            dst.writeInt((int) e.ssrc());
            dst.writeInt((e.seqNr() & 0xFF) << 24);
        }
    }
}
