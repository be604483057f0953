package org.javameet.sfu.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transport-cc feedback, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1. The vectors are written out
 * by hand from the draft's diagrams; each is parsed and, where the writer would choose the same chunks, written
 * back byte for byte.
 */
class TransportCcFeedbackTest {
    private static final long L = TransportCcFeedback.LOST;

    private static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(s.replace(" ", "")));
    }

    private static TransportCcFeedback parse(ByteBuf b) throws RtcpException {
        return TransportCcFeedback.parse(b, 0, b.readableBytes());
    }

    private static String marshal(TransportCcFeedback f) {
        ByteBuf b = Unpooled.buffer();
        try {
            f.marshalTo(b);
            assertEquals(f.marshalSize(), b.readableBytes());
            return ByteBufUtil.hexDump(b);
        } finally {
            b.release();
        }
    }

    private static long[] offsets(TransportCcFeedback f) {
        long[] out = new long[f.packetCount()];
        f.arrivalOffsetsMicros(out);
        return out;
    }

    /** Run-length chunk of three small deltas; 25 bytes padded to 28 with the P bit. */
    @Test
    void runLengthChunkOfSmallDeltas() throws Exception {
        String wire = "afcd0006 00000001 00000002 0005 0003 000001 07 2003 040800 000003";
        TransportCcFeedback f = parse(hex(wire));
        assertEquals(1, f.senderSsrc());
        assertEquals(2, f.mediaSsrc());
        assertEquals(5, f.baseSequence());
        assertEquals(3, f.packetCount());
        assertEquals(1, f.referenceTime());
        assertEquals(7, f.feedbackCount());
        assertEquals(3, f.receivedCount());
        assertEquals(java.util.Arrays.toString(new long[] {1000, 3000, 3000}), java.util.Arrays.toString(offsets(f)));
        TransportCcFeedback built = TransportCcFeedback.of(1, 2, 5, 7, new long[] {65_000, 67_000, 67_000});
        assertEquals(wire.replace(" ", ""), marshal(built));
    }

    /** One-bit status vector across the sequence number wrap: received, lost, received, received, lost. */
    @Test
    void oneBitStatusVectorAcrossTheSequenceWrap() throws Exception {
        String wire = "afcd0006 00000001 00000002 fffe 0005 123456 00 ac00 010203 000003";
        TransportCcFeedback f = parse(hex(wire));
        assertEquals(0xFFFE, f.sequenceNumber(0));
        assertEquals(0xFFFF, f.sequenceNumber(1));
        assertEquals(0x0000, f.sequenceNumber(2));
        assertTrue(f.received(0));
        assertFalse(f.received(1));
        assertTrue(f.received(2));
        assertTrue(f.received(3));
        assertFalse(f.received(4));
        assertEquals(0x123456, f.referenceTime());
        assertEquals(java.util.Arrays.toString(new long[] {250, L, 750, 1500, L}), java.util.Arrays.toString(offsets(f)));
        long ref = 0x123456L * 64_000;
        TransportCcFeedback built = TransportCcFeedback.of(1, 2, 0xFFFE, 0,
                new long[] {ref + 250, L, ref + 750, ref + 1500, L});
        assertEquals(wire.replace(" ", ""), marshal(built));
    }

    /** Two-bit status vector: small, large, lost, large negative delta. */
    @Test
    void twoBitStatusVectorWithLargeAndNegativeDeltas() throws Exception {
        String wire = "afcd0006 00000001 00000002 0064 0004 000000 ff d880 0a 1234 fff8 01";
        TransportCcFeedback f = parse(hex(wire));
        assertEquals(TransportCcFeedback.SMALL_DELTA, f.symbol(0));
        assertEquals(TransportCcFeedback.LARGE_DELTA, f.symbol(1));
        assertEquals(TransportCcFeedback.NOT_RECEIVED, f.symbol(2));
        assertEquals(TransportCcFeedback.LARGE_DELTA, f.symbol(3));
        assertEquals(0x1234, f.delta(1));
        assertEquals(-8, f.delta(2));
        long second = 2500 + 0x1234 * 250L;
        assertEquals(java.util.Arrays.toString(new long[] {2500, second, L, second - 2000}),
                java.util.Arrays.toString(offsets(f)));
        assertEquals(wire.replace(" ", ""),
                marshal(TransportCcFeedback.of(1, 2, 100, 255, new long[] {2500, second, L, second - 2000})));
    }

    /** Sixteen lost then four received: a run of "not received" and a run of small deltas. */
    @Test
    void runsOfLostAndReceived() throws Exception {
        long[] arrivals = new long[20];
        java.util.Arrays.fill(arrivals, L);
        for (int i = 16; i < 20; i++) {
            arrivals[i] = 64_000 + 250L * i;
        }
        String wire = marshal(TransportCcFeedback.of(9, 0, 0, 1, arrivals));
        assertEquals("8fcd0006000000090000000000000014000001010010200410010101", wire);
        TransportCcFeedback f = parse(hex(wire));
        assertEquals(20, f.packetCount());
        assertEquals(4, f.receivedCount());
        assertEquals(4000, offsets(f)[16]);
    }

    @Test
    void feedbackCountIsEightBitsAndReferenceTimeTwentyFour() throws Exception {
        TransportCcFeedback f = TransportCcFeedback.of(1, 2, 0, 256 + 3,
                new long[] {(TransportCcFeedback.REFERENCE_TIME_MODULO + 5L) * 64_000});
        TransportCcFeedback back = parse(hex(marshal(f)));
        assertEquals(3, back.feedbackCount());
        assertEquals(5, back.referenceTime());
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
        "16777215, 0,        1",
        "0,        16777215, -1",
        "5,        100,      95",
        "100,      5,        -95",
        "16777200, 16,       32",
    })
    void referenceTimeDeltaIsTheShortWayRoundTheWrap(int previous, int next, int delta) {
        assertEquals(delta, TransportCcFeedback.referenceTimeDelta(previous, next));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // a status count of zero
        "TRANSPORT_CC_EMPTY,            8fcd0004 00000001 00000002 0005 0000 000001 07",
        // twenty packets announced, one chunk of three
        "TRANSPORT_CC_CHUNKS_TRUNCATED, 8fcd0005 00000001 00000002 0005 0014 000001 07 2003 0000",
        // run-length chunk with symbol 11
        "TRANSPORT_CC_RESERVED_SYMBOL,  8fcd0005 00000001 00000002 0005 0003 000001 07 6003 0000",
        // two-bit vector whose second symbol is 11
        "TRANSPORT_CC_RESERVED_SYMBOL,  8fcd0005 00000001 00000002 0005 0002 000001 07 dc00 0000",
        // three small deltas announced, two present
        "TRANSPORT_CC_DELTAS_TRUNCATED, 8fcd0005 00000001 00000002 0005 0003 000001 07 2003 0408",
        // a large delta cut in half by the padding
        "TRANSPORT_CC_DELTAS_TRUNCATED, afcd0005 00000001 00000002 0005 0001 000001 07 4001 12 01",
        "TOO_SHORT,                     8fcd0003 00000001 00000002 0005 0001",
        "BAD_FMT,                       81cd0005 00000001 00000002 0005 0003 000001 07 2003 0408",
        "BAD_LENGTH,                    8fcd0009 00000001 00000002 0005 0003 000001 07 2003 0408",
    })
    void malformedFeedbackIsRejectedByName(RtcpError reason, String wire) {
        String w = wire.replace(" ", "");
        if (w.length() % 8 != 0) {
            w = w + "00".repeat((8 - w.length() % 8) / 2); // keep 32-bit framing so only the named fault shows
        }
        ByteBuf b = hex(w);
        RtcpException e = assertThrows(RtcpException.class, () -> parse(b));
        assertEquals(reason, e.error());
    }

    @Test
    void randomPatternsSurviveTheWireWithinRounding() throws Exception {
        Random rnd = new Random(11);
        for (int round = 0; round < 3000; round++) {
            int n = 1 + rnd.nextInt(rnd.nextBoolean() ? 30 : 400);
            long[] arrivals = new long[n];
            long t = rnd.nextInt(1 << 30) * 1000L;
            boolean any = false;
            for (int i = 0; i < n; i++) {
                int mode = rnd.nextInt(10);
                if (mode < 2 && !(i == n - 1 && !any)) {
                    arrivals[i] = L;
                    continue;
                }
                t += mode == 9 ? -rnd.nextInt(4000) : mode == 8 ? rnd.nextInt(2_000_000) : rnd.nextInt(20_000);
                t = Math.max(t, 0);
                arrivals[i] = t;
                any = true;
            }
            TransportCcFeedback f = TransportCcFeedback.of(1, 2, rnd.nextInt(65536), round, arrivals);
            TransportCcFeedback back = parse(hex(marshal(f)));
            long ref = (arrivals[firstReceived(arrivals)] / 64_000) * 64_000;
            long[] got = offsets(back);
            assertEquals(n, back.packetCount());
            for (int i = 0; i < n; i++) {
                if (arrivals[i] == L) {
                    assertEquals(L, got[i], "packet " + i + " of round " + round);
                } else {
                    long err = Math.abs(ref + got[i] - arrivals[i]);
                    assertTrue(err <= 125, "packet " + i + " of round " + round + " off by " + err + " µs");
                }
            }
        }
    }

    @Test
    void oneReusableInstanceReadsLongAndShortFeedbackAsParseDoesAndAFailedReadLeavesItEmpty() throws Exception {
        Random rnd = new Random(13);
        TransportCcFeedback reused = TransportCcFeedback.reusable();
        for (int round = 0; round < 500; round++) {
            int n = 1 + rnd.nextInt(round % 2 == 0 ? 400 : 10); // long and short in turn: stale tails must not show
            long[] arrivals = new long[n];
            long t = 1_000_000;
            for (int i = 0; i < n; i++) {
                t += rnd.nextInt(30_000);
                arrivals[i] = i > 0 && rnd.nextInt(5) == 0 ? L : t;
            }
            ByteBuf wire = hex(marshal(TransportCcFeedback.of(1, 2, rnd.nextInt(65536), round, arrivals)));
            TransportCcFeedback fresh = parse(wire);
            reused.read(wire, 0, wire.readableBytes());
            assertEquals(marshal(fresh), marshal(reused), "round " + round);
            assertEquals(fresh.packetCount(), reused.packetCount());
            assertEquals(fresh.receivedCount(), reused.receivedCount());
            assertEquals(fresh.baseSequence(), reused.baseSequence());
            assertEquals(fresh.feedbackCount(), reused.feedbackCount());
            assertEquals(java.util.Arrays.toString(offsets(fresh)), java.util.Arrays.toString(offsets(reused)));
            assertThrows(IndexOutOfBoundsException.class, () -> reused.symbol(reused.packetCount()));
            assertThrows(IndexOutOfBoundsException.class, () -> reused.delta(reused.receivedCount()));
        }
        ByteBuf truncated = hex("8fcd0005 00000001 00000002 0005 0003 000001 07 2003 0408 0000");
        assertThrows(RtcpException.class, () -> reused.read(truncated, 0, truncated.readableBytes()));
        assertEquals(0, reused.packetCount(), "nothing half-read survives a rejected packet");
        assertEquals(0, reused.receivedCount());
    }

    @Test
    void readingIntoAReusableInstanceAllocatesNothingOnceItsArraysAreLargeEnough() throws Exception {
        long[] arrivals = new long[200];
        for (int i = 0; i < arrivals.length; i++) {
            arrivals[i] = i % 7 == 3 ? L : 1_000_000 + 700L * i;
        }
        ByteBuf wire = hex(marshal(TransportCcFeedback.of(1, 2, 100, 0, arrivals)));
        TransportCcFeedback reused = TransportCcFeedback.reusable();
        for (int i = 0; i < 10_000; i++) { // grows its arrays once; the first calls also link and profile
            reused.read(wire, 0, wire.readableBytes());
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            reused.read(wire, 0, wire.readableBytes());
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // parse() allocates > 800 B for this feedback (symbols, deltas, the object): 8 MB for the loop
        assertTrue(allocated < 1000, "allocated " + allocated + " B over 10,000 reads");
        assertEquals(200, reused.packetCount());
    }

    private static int firstReceived(long[] arrivals) {
        for (int i = 0; i < arrivals.length; i++) {
            if (arrivals[i] != L) {
                return i;
            }
        }
        throw new AssertionError();
    }

    @Test
    void writerRefusesWhatCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class, () -> TransportCcFeedback.of(1, 2, 0, 0, new long[] {L, L}));
        assertThrows(IllegalArgumentException.class, () -> TransportCcFeedback.of(1, 2, 0, 0, new long[0]));
        // 9 s between two arrivals does not fit a signed 16-bit count of 250 µs
        assertThrows(IllegalArgumentException.class,
                () -> TransportCcFeedback.of(1, 2, 0, 0, new long[] {0, 9_000_000}));
    }
}
