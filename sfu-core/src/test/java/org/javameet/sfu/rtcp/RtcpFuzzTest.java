package org.javameet.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.javameet.sfu.rtp.FuzzInput;

/**
 * Jazzer fuzzing of the compound walker and every record parser: only RtcpException, never out of bounds; what parses
 * re-marshals to itself. CI runs the committed corpus (RtcpFuzzTestInputs/) as regression tests.
 */
class RtcpFuzzTest {
    private static final String[] TYPES = {"SR", "RR", "SDES", "BYE", "PLI", "FIR", "NACK", "REMB", "TWCC"};

    @FuzzTest(maxDuration = "10m")
    void rtcpCompound(byte[] data) {
        ByteBuf buf = FuzzInput.wrap(data);
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
                        reparse(type, RtcpRecordsTest.parser(type).parse(buf, off, len));
                    } catch (RtcpException expected) {
                        // named rejection is the point
                    }
                }
            });
            // Parsers must also survive offsets and lengths that no walker produced.
            for (int off = buf.readerIndex(); off < end; off += 7) {
                for (String type : TYPES) {
                    try {
                        RtcpRecordsTest.parser(type).parse(buf, off, Math.min(40, end - off));
                    } catch (RtcpException expected) {
                        // named
                    }
                }
            }
        } finally {
            buf.release();
        }
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
