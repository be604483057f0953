package org.javameet.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.javameet.sfu.rtp.Mutator;
import org.junit.jupiter.api.Test;

/** Seeded fuzzing of the compound walker and every record parser: only RtcpException, never out of bounds. */
class RtcpFuzzTest {
    private static final List<String> SEEDS = List.of(
            RtcpRecordsTest.SR, RtcpRecordsTest.RR, RtcpRecordsTest.SDES, RtcpRecordsTest.BYE, RtcpRecordsTest.PLI,
            RtcpRecordsTest.FIR, RtcpRecordsTest.NACK, RtcpRecordsTest.REMB, RtcpRecordsTest.TRANSPORT_CC,
            RtcpRecordsTest.SR + RtcpRecordsTest.SDES,
            RtcpRecordsTest.RR + RtcpRecordsTest.REMB + RtcpRecordsTest.NACK + RtcpRecordsTest.PLI,
            "82ca0006 11223344 01086162 63643132 33340000 55667788 01016100",
            "a1ce0003 11223344 55667788 00000004",
            // transport-cc with each chunk kind: run length, 1-bit vector, 2-bit vector with large deltas
            "afcd0006 00000001 00000002 0005 0003 000001 07 2003 040800 000003",
            "afcd0006 00000001 00000002 fffe 0005 123456 00 ac00 010203 000003",
            "afcd0006 00000001 00000002 0064 0004 000000 ff d880 0a 1234 fff8 01");

    private static final String[] TYPES = {"SR", "RR", "SDES", "BYE", "PLI", "FIR", "NACK", "REMB", "TWCC"};

    @Test
    void twentyThousandMutatedCompounds() {
        Mutator m = new Mutator(0xC0FFEE, SEEDS);
        int[] parsed = new int[1];
        for (int i = 0; i < 20_000; i++) {
            ByteBuf buf = m.wrap(m.next());
            try {
                int end = buf.writerIndex();
                RtcpCompound.forEach(buf, (pt, count, off, len) -> {
                    assertTrue(off >= buf.readerIndex() && off + len <= end);
                    Rtcp.isRemb(buf, off, len);
                    Rtcp.isTransportCc(buf, off, len);
                    Rtcp.isKeyframeRequest(buf, off, len);
                    Rtcp.isNack(buf, off, len);
                    for (String type : TYPES) {
                        try {
                            Object v = RtcpRecordsTest.parser(type).parse(buf, off, len);
                            parsed[0]++;
                            reparse(type, v);
                        } catch (RtcpException expected) {
                            // named rejection is the point
                        }
                    }
                });
                // Parsers must also survive offsets and lengths that no walker produced.
                int off = buf.readerIndex() + m.random().nextInt(Math.max(1, buf.readableBytes()));
                int len = m.random().nextInt(40);
                for (String type : TYPES) {
                    try {
                        RtcpRecordsTest.parser(type).parse(buf, off, len);
                    } catch (RtcpException expected) {
                        // named
                    }
                }
            } finally {
                buf.release();
            }
        }
        assertTrue(parsed[0] > 1_000, "enough inputs must parse to exercise the value paths: " + parsed[0]);
    }

    /** Values whose wire form is canonical must survive marshal + parse unchanged. */
    private static void reparse(String type, Object v) {
        if (!List.of("SR", "RR", "PLI", "FIR", "NACK").contains(type)) {
            return;
        }
        ByteBuf out = Unpooled.buffer();
        try {
            int size = switch (type) {
                case "SR" -> { ((SenderReport) v).marshalTo(out); yield ((SenderReport) v).marshalSize(); }
                case "RR" -> { ((ReceiverReport) v).marshalTo(out); yield ((ReceiverReport) v).marshalSize(); }
                case "PLI" -> { ((Pli) v).marshalTo(out); yield ((Pli) v).marshalSize(); }
                case "FIR" -> { ((Fir) v).marshalTo(out); yield ((Fir) v).marshalSize(); }
                default -> { ((Nack) v).marshalTo(out); yield ((Nack) v).marshalSize(); }
            };
            assertEquals(size, out.readableBytes());
            assertEquals(v, RtcpRecordsTest.parser(type).parse(out, 0, size));
        } catch (RtcpException e) {
            throw new AssertionError("re-parse of our own marshal failed: " + e.error(), e);
        } finally {
            out.release();
        }
    }
}
