package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Receiver report. RFC 3550 §6.4.2:
 * <pre>
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=RR=201   |             length            |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                     SSRC of packet sender                     |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * report |                 SSRC_1 (SSRC of first source)                 |
 * block  :                               ...                             :
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *        |                  profile-specific extensions                  |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record ReceiverReport(long ssrc, List<ReportBlock> reportBlocks) {
    private static final int FIXED = 8;

    public ReceiverReport {
        reportBlocks = List.copyOf(reportBlocks);
        if (reportBlocks.size() > 31) {
            throw new IllegalArgumentException("at most 31 report blocks");
        }
    }

    public static ReceiverReport parse(ByteBuf buf, int off, int length) throws RtcpException {
        int content = RtcpHeader.checkPacket(buf, off, length, RtcpHeader.RR, FIXED);
        int rc = RtcpHeader.count(buf, off);
        if (FIXED + rc * ReportBlock.SIZE > content) {
            throw new RtcpException(RtcpError.BAD_COUNT);
        }
        List<ReportBlock> blocks = new ArrayList<>(rc);
        for (int i = 0; i < rc; i++) {
            blocks.add(ReportBlock.parse(buf, off + FIXED + i * ReportBlock.SIZE));
        }
        return new ReceiverReport(buf.getUnsignedInt(off + 4), blocks);
    }

    public int marshalSize() {
        return FIXED + reportBlocks.size() * ReportBlock.SIZE;
    }

    public void marshalTo(ByteBuf dst) {
        RtcpHeader.write(dst, reportBlocks.size(), RtcpHeader.RR, marshalSize());
        dst.writeInt((int) ssrc);
        for (ReportBlock b : reportBlocks) {
            b.marshalTo(dst);
        }
    }
}
