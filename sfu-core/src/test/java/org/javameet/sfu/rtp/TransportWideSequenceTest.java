package org.javameet.sfu.rtp;

import static org.javameet.sfu.rtp.RtpHeaderTest.CHROMIUM_OPUS;
import static org.javameet.sfu.rtp.RtpHeaderTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportWideSequenceTest {
    @Test
    void readsChromiumsOneByteElement() {
        ByteBuf p = hex(CHROMIUM_OPUS); // transport-cc is id 3 there, value 5
        try {
            assertEquals(5, TransportWideSequence.get(p, 3));
            assertEquals(-1, TransportWideSequence.get(p, 1), "id 1 is one byte long: not a sequence number");
            assertEquals(-1, TransportWideSequence.get(p, 9));
            assertTrue(TransportWideSequence.set(p, 3, 0xFFFF));
            assertEquals(0xFFFF, TransportWideSequence.get(p, 3));
            assertFalse(TransportWideSequence.set(p, 9, 1));
        } finally {
            p.release();
        }
    }

    @Test
    void readsAndWritesTheTwoByteForm() {
        // profile 0x1000, 2 words: id 20 len 2 = 0x0102, id 7 len 1, padding
        ByteBuf p = hex("906f1234 0001e240 11223344 10000002 1402 0102 0701 aa 00 cafe");
        try {
            assertNull(RtpHeader.check(p));
            assertEquals(0x0102, TransportWideSequence.get(p, 20));
            assertTrue(TransportWideSequence.set(p, 20, 0xBEEF));
            assertEquals("906f12340001e240112233441000000214" + "02beef0701aa00cafe", ByteBufUtil.hexDump(p));
        } finally {
            p.release();
        }
    }

    /** The SFU's copy per subscriber gains the element last, zeroed, in whichever form the ids allow. */
    @ParameterizedTest(name = "id {0}")
    @ValueSource(ints = {3, 14, 15, 200})
    void aCopyReservesTheElementForTheSender(int id) {
        ByteBuf src = hex(CHROMIUM_OPUS);
        ByteBuf copy = RtpRewriter.copyWithExtensions(UnpooledByteBufAllocator.DEFAULT, src,
                new int[] {1}, new int[] {1}, id, TransportWideSequence.LENGTH, 16);
        try {
            assertNull(RtpHeader.check(copy));
            assertEquals(0, TransportWideSequence.get(copy, id));
            assertEquals("ff", ByteBufUtil.hexDump(copy, HeaderExtensions.offsetOf(HeaderExtensions.find(copy, 1)), 1));
            assertTrue(TransportWideSequence.set(copy, id, 4321));
            assertEquals(4321, TransportWideSequence.get(copy, id));
            assertEquals(RtpHeader.payloadLength(src), RtpHeader.payloadLength(copy));
            assertEquals(ByteBufUtil.hexDump(src, src.readerIndex() + RtpHeader.headerLength(src), RtpHeader.payloadLength(src)),
                    ByteBufUtil.hexDump(copy, RtpHeader.headerLength(copy), RtpHeader.payloadLength(copy)));
        } finally {
            src.release();
            copy.release();
        }
    }

    @ParameterizedTest(name = "id {0}")
    @ValueSource(ints = {1, 14, 15, 255})
    void aBlockOfItsOwn(int id) {
        ByteBuf p = Unpooled.buffer();
        try {
            p.writeBytes(ByteBufUtil.decodeHexDump("906f12340001e24011223344"));
            assertEquals(TransportWideSequence.blockSize(id), TransportWideSequence.writeBlock(p, id));
            p.writeBytes(ByteBufUtil.decodeHexDump("cafe"));
            assertNull(RtpHeader.check(p));
            assertTrue(TransportWideSequence.set(p, id, 77));
            assertEquals(77, TransportWideSequence.get(p, id));
            assertEquals(2, RtpHeader.payloadLength(p));
        } finally {
            p.release();
        }
    }
}
