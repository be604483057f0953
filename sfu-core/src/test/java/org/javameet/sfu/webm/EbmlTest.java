package org.javameet.sfu.webm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** EBML encoding against RFC 8794: VINT widths and the reserved all-ones pattern, element layout. */
class EbmlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, 80",
            "1, 81",
            "2, 82", // RFC 8794 §4.4: 0x82 is the shortest of the four encodings of 2 it lists
            "126, fe",
            "127, 407f", // 0xff would be all ones: reserved (unknown size), so two bytes
            "16382, 7ffe",
            "16383, 203fff",
            "2097150, 3ffffe",
            "72057594037927934, 01fffffffffffffe", // 2^56 - 2, the largest 8-byte VINT
    })
    void vintIsTheShortestNonReservedEncoding(long value, String hex) {
        assertArrayEquals(HexFormat.of().parseHex(hex), Ebml.vint(value));
    }

    @Test
    void vintOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Ebml.vint(-1));
        assertThrows(IllegalArgumentException.class, () -> Ebml.vint((1L << 56) - 1));
    }

    @Test
    void unsignedIntegersUseTheFewestBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Ebml.uint(out, 0x4286, 1);
        Ebml.uint(out, 0x2AD7B1, 1_000_000);
        Ebml.uint(out, 0xE7, 0);
        assertArrayEquals(HexFormat.of().parseHex("42868101" + "2ad7b1830f4240" + "e78100"), out.toByteArray());
    }

    @Test
    void theWebmEbmlHeaderIsByteExact() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        new WebmWriter(file, java.util.List.of(), "test").close();
        // EBML (0x1A45DFA3), size 31: EBMLVersion 1, EBMLReadVersion 1, EBMLMaxIDLength 4, EBMLMaxSizeLength 8,
        // DocType "webm", DocTypeVersion 4, DocTypeReadVersion 2; then the Segment with an unknown size.
        String expected = "1a45dfa3" + "9f"
                + "4286" + "81" + "01" + "42f7" + "81" + "01" + "42f2" + "81" + "04" + "42f3" + "81" + "08"
                + "4282" + "84" + "7765626d" + "4287" + "81" + "04" + "4285" + "81" + "02"
                + "18538067" + "01ffffffffffffff";
        byte[] head = java.util.Arrays.copyOf(file.toByteArray(), expected.length() / 2);
        assertArrayEquals(HexFormat.of().parseHex(expected), head);
    }
}
