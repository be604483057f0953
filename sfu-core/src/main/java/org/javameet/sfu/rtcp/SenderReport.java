package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Sender report. The SFU rewrites SSRC and RTP timestamp per consumer ({@link #rewrite}) so receivers keep
 * lip sync across the consumer's own timestamp space.
 *
 * <p>RFC 3550 §6.4.1:
 * <pre>
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         SSRC of sender                        |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |             NTP timestamp, least significant word             |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         RTP timestamp                         |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     sender's packet count                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      sender's octet count                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * report |                 SSRC_1 (SSRC of first source)                 |
 * block  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   1    :                               ...                             :
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Profile-specific extensions are skipped when parsing and not written.
 */
public record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
        List<ReportBlock> reportBlocks) {
    private static final int FIXED = 28;

    public SenderReport {
        reportBlocks = List.copyOf(reportBlocks);
        if (reportBlocks.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks");
        }
    }

    public static SenderReport parse(ByteBuf buf, int off, int length) throws RtcpException {
        int content = RtcpHeader.checkPacket(buf, off, length, RtcpHeader.SR, FIXED);
        int rc = RtcpHeader.count(buf, off);
        if (FIXED + rc * ReportBlock.SIZE > content) {
            throw new RtcpException(RtcpError.BAD_COUNT);
        }
        List<ReportBlock> blocks = new ArrayList<>(rc);
        for (int i = 0; i < rc; i++) {
            blocks.add(ReportBlock.parse(buf, off + FIXED + i * ReportBlock.SIZE));
        }
        return new SenderReport(buf.getUnsignedInt(off + 4), buf.getLong(off + 8), buf.getUnsignedInt(off + 16),
                buf.getUnsignedInt(off + 20), buf.getUnsignedInt(off + 24), blocks);
    }

    public int marshalSize() {
        return FIXED + reportBlocks.size() * ReportBlock.SIZE;
    }

    public void marshalTo(ByteBuf dst) {
        RtcpHeader.write(dst, reportBlocks.size(), RtcpHeader.SR, marshalSize());
        dst.writeInt((int) ssrc);
        dst.writeLong(ntpTimestamp);
        dst.writeInt((int) rtpTimestamp);
        dst.writeInt((int) packetCount);
        dst.writeInt((int) octetCount);
        for (ReportBlock b : reportBlocks) {
            b.marshalTo(dst);
        }
    }

    /** In place: replaces sender SSRC and RTP timestamp of the SR at {@code off} (an absolute index). */
    public static void rewrite(ByteBuf buf, int off, long newSsrc, long newRtpTs) {
        buf.setInt(off + 4, (int) newSsrc);
        buf.setInt(off + 16, (int) newRtpTs);
    }

    public static long ntpTimestamp(ByteBuf buf, int off) {
        return buf.getLong(off + 8);
    }

    public static long rtpTimestamp(ByteBuf buf, int off) {
        return buf.getUnsignedInt(off + 16);
    }
}
