package org.javameet.sfu.rtp;

import static org.javameet.sfu.rtp.RtpHeaderTest.CHROMIUM_OPUS;
import static org.javameet.sfu.rtp.RtpHeaderTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderExtensionsTest {
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private static String data(ByteBuf p, long loc) {
        return ByteBufUtil.hexDump(p, p.readerIndex() + HeaderExtensions.offsetOf(loc), HeaderExtensions.lengthOf(loc));
    }

    @Test
    void findsOneByteElements() {
        ByteBuf p = hex(CHROMIUM_OPUS);
        try {
            assertEquals("ff", data(p, HeaderExtensions.find(p, 1)));
            assertEquals("123456", data(p, HeaderExtensions.find(p, 2)));
            assertEquals("0005", data(p, HeaderExtensions.find(p, 3)));
            assertEquals("30", data(p, HeaderExtensions.find(p, 4)));
            assertEquals(HeaderExtensions.pack(17, 1), HeaderExtensions.find(p, 1));
            assertEquals(-1, HeaderExtensions.find(p, 5));
            List<String> seen = new ArrayList<>();
            HeaderExtensions.forEach(p, (id, off, len) -> seen.add(id + "@" + off + "+" + len));
            assertEquals(List.of("1@17+1", "2@19+3", "3@23+2", "4@26+1"), seen);
        } finally {
            p.release();
        }
    }

    @Test
    void findsTwoByteElementsIncludingEmptyAndPadding() {
        // profile 0x1000, 3 words: id 7 len 0, padding byte, id 200 len 3, id 1 len 2, pad.
        ByteBuf p = hex("906f1234 0001e240 11223344 10000003 0700 00 c803 aabbcc 0102 dddd cafe");
        try {
            assertNull(RtpHeader.check(p));
            assertEquals(HeaderExtensions.pack(18, 0), HeaderExtensions.find(p, 7));
            assertEquals("aabbcc", data(p, HeaderExtensions.find(p, 200)));
            assertEquals("dddd", data(p, HeaderExtensions.find(p, 1)));
            assertEquals(2, RtpHeader.payloadLength(p));
        } finally {
            p.release();
        }
    }

    @Test
    void oneByteId15StopsTheWalkAndOverrunEndsIt() {
        ByteBuf stop = hex("906f1234 0001e240 11223344 bede0001 10fff0 11");
        ByteBuf overrun = hex("906f1234 0001e240 11223344 bede0001 10ff 2f 00");
        ByteBuf noExt = hex("806f1234 0001e240 11223344 bede0001 10ff0000");
        try {
            assertEquals("ff", data(stop, HeaderExtensions.find(stop, 1)));
            assertEquals(-1, HeaderExtensions.find(stop, 15));
            assertEquals(-1, HeaderExtensions.find(overrun, 2));
            assertEquals(-1, HeaderExtensions.find(noExt, 1), "X=0: bytes after the header are payload");
        } finally {
            stop.release();
            overrun.release();
            noExt.release();
        }
    }

    @Test
    void copyKeepsChosenExtensionsRemappedInOneByteForm() {
        ByteBuf src = hex(CHROMIUM_OPUS);
        ByteBuf out = RtpRewriter.copyWithExtensions(ALLOC, src, new int[] {1, 2}, new int[] {1, 3}, 10);
        try {
            assertNull(RtpHeader.check(out));
            assertEquals("906f1234 0001e240 11223344 bede0002 10ff3212 34560000"
                    .replace(" ", "") + "780be4c136ecc58d8c494699", ByteBufUtil.hexDump(out));
            assertTrue(out.writableBytes() >= 10, "tail room for the SRTP tag");
            assertEquals(-1, HeaderExtensions.find(out, 2));
            assertEquals("123456", data(out, HeaderExtensions.find(out, 3)));
            assertEquals(CHROMIUM_OPUS.replace(" ", "").length() / 2, src.readableBytes(), "source untouched");
        } finally {
            out.release();
            src.release();
        }
    }

    /** The per-thread scratch arrays grow for a long id list and stay right for the short one after it. */
    @Test
    void copiesWithManyThenFewKeptIdsAreBothRight() {
        ByteBuf src = hex(CHROMIUM_OPUS);
        int[] many = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 1, 2};
        int[] manyTo = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 1, 3};
        ByteBuf wide = RtpRewriter.copyWithExtensions(ALLOC, src, many, manyTo, 10);
        ByteBuf narrow = RtpRewriter.copyWithExtensions(ALLOC, src, new int[] {1, 2}, new int[] {1, 3}, 10);
        try {
            String expected = "906f1234 0001e240 11223344 bede0002 10ff3212 34560000".replace(" ", "")
                    + "780be4c136ecc58d8c494699";
            assertEquals(expected, ByteBufUtil.hexDump(wide), "ids the packet does not carry are skipped");
            assertEquals(expected, ByteBufUtil.hexDump(narrow));
        } finally {
            wide.release();
            narrow.release();
            src.release();
        }
    }

    @Test
    void copyFallsBackToTwoByteFormForLargeIds() {
        ByteBuf src = hex(CHROMIUM_OPUS);
        ByteBuf out = RtpRewriter.copyWithExtensions(ALLOC, src, new int[] {4, 3}, new int[] {20, 2}, 0);
        try {
            assertNull(RtpHeader.check(out));
            assertEquals("906f1234 0001e240 11223344 10000002 140130 020200 05 00".replace(" ", "")
                    + "780be4c136ecc58d8c494699", ByteBufUtil.hexDump(out));
            assertEquals("30", data(out, HeaderExtensions.find(out, 20)));
        } finally {
            out.release();
            src.release();
        }
    }

    @Test
    void copyWithNothingKeptClearsX() {
        ByteBuf src = hex(CHROMIUM_OPUS);
        ByteBuf out = RtpRewriter.copyWithExtensions(ALLOC, src, new int[] {9}, new int[] {9}, 16);
        try {
            assertFalse(RtpHeader.hasExtension(out));
            assertEquals("806f123400 01e24011223344".replace(" ", "") + "780be4c136ecc58d8c494699",
                    ByteBufUtil.hexDump(out));
        } finally {
            out.release();
            src.release();
        }
    }

    @Test
    void copyKeepsCsrcsAndPadding() {
        ByteBuf src = hex("b1e0 0001 00000002 00000003 cccccccc bede0001 2100 0700 0102 0002");
        ByteBuf out = RtpRewriter.copyWithExtensions(ALLOC, src, new int[] {2}, new int[] {5}, 0);
        try {
            assertNull(RtpHeader.check(out));
            assertEquals("b1e00001 00000002 00000003 cccccccc bede0001 51000700 01020002".replace(" ", ""),
                    ByteBufUtil.hexDump(out));
            assertEquals(2, RtpHeader.paddingLength(out));
            assertEquals(2, RtpHeader.payloadLength(out));
        } finally {
            out.release();
            src.release();
        }
    }

    @Test
    void writerRoundTripsThroughFind() {
        ByteBuf src = hex(CHROMIUM_OPUS);
        ByteBuf block = ALLOC.buffer();
        try {
            int[] ids = {14, 1, 2};
            long[] locs = {HeaderExtensions.find(src, 2), HeaderExtensions.find(src, 3), HeaderExtensions.find(src, 4)};
            int n = HeaderExtensions.writeBlock(block, ids, src, locs, 3);
            assertEquals(HeaderExtensions.blockSize(ids, locs, 3), n);
            assertEquals("bede0003 e2123456 11000520 30000000".replace(" ", ""), ByteBufUtil.hexDump(block));
        } finally {
            block.release();
            src.release();
        }
    }

    @Test
    void copyRejectsInvalidSource() {
        ByteBuf src = hex("906f1234 0001e240 11223344 bede0009");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RtpRewriter.copyWithExtensions(ALLOC, src, new int[0], new int[0], 0));
            assertTrue(e.getMessage().contains("BAD_EXTENSION_LENGTH"));
        } finally {
            src.release();
        }
    }

    @Test
    void copyOfTwoByteSourceKeepsLongElementsInTwoByteForm() {
        byte[] twenty = new byte[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = (byte) i;
        }
        ByteBuf src = hex("906f1234 0001e240 11223344 10000006 0114" + ByteBufUtil.hexDump(twenty) + "0000 abcd");
        ByteBuf out = RtpRewriter.copyWithExtensions(ALLOC, src, new int[] {1}, new int[] {2}, 0);
        try {
            assertNull(RtpHeader.check(src));
            assertNull(RtpHeader.check(out));
            long loc = HeaderExtensions.find(out, 2);
            assertArrayEquals(twenty, ByteBufUtil.getBytes(out, HeaderExtensions.offsetOf(loc), HeaderExtensions.lengthOf(loc)));
            assertEquals(0x1000, out.getUnsignedShort(12));
        } finally {
            out.release();
            src.release();
        }
    }
}
