package org.javameet.sfu.webm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * EBML (RFC 8794) element encoding, the container syntax of Matroska and WebM: an element is its ID, its
 * data size as a variable-length integer, then its data.
 *
 * <pre>
 * RFC 8794 §4: VINT = VINT_WIDTH (n-1 zero bits) | VINT_MARKER (one 1 bit) | VINT_DATA (7n bits)
 *   width 1: 1xxx xxxx                  values 0 .. 2^7 - 2
 *   width 2: 01xx xxxx xxxx xxxx        values 0 .. 2^14 - 2
 *   ...
 *   width 8: 0000 0001 + 7 bytes        values 0 .. 2^56 - 2
 * VINT_DATA all ones is reserved: as an element data size it means "unknown" (§6.2), which a live writer uses
 * for the Segment and each Cluster so it never has to seek back.
 * </pre>
 * Element IDs are written with their marker bits as they appear in the Matroska tables (e.g. 0x1A45DFA3).
 */
public final class Ebml {
    /** An 8-byte data size of all ones: "unknown", RFC 8794 §6.2. */
    static final byte[] UNKNOWN_SIZE = {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
            (byte) 0xFF, (byte) 0xFF};

    private Ebml() {
    }

    /** The shortest VINT for {@code value} (never the reserved all-ones pattern), RFC 8794 §4.2. */
    public static byte[] vint(long value) {
        if (value < 0 || value > (1L << 56) - 2) {
            throw new IllegalArgumentException("EBML data size out of range: " + value);
        }
        int width = 1;
        while (value > (1L << (7 * width)) - 2) {
            width++;
        }
        byte[] out = new byte[width];
        long v = value | (1L << (7 * width)); // the VINT_MARKER
        for (int i = width - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    /** An element ID's bytes (1 to 4, marker bits included as in the Matroska tables). */
    static void writeId(ByteArrayOutputStream out, int id) {
        if ((id & 0xFF000000) != 0) {
            out.write(id >>> 24);
        }
        if ((id & 0xFFFF0000) != 0) {
            out.write(id >>> 16);
        }
        if ((id & 0xFFFFFF00) != 0) {
            out.write(id >>> 8);
        }
        out.write(id);
    }

    /** A master or binary element with known content. */
    public static void element(ByteArrayOutputStream out, int id, byte[] data) {
        writeId(out, id);
        out.writeBytes(vint(data.length));
        out.writeBytes(data);
    }

    /** An unsigned integer element, in the fewest bytes (RFC 8794 §7.2; zero is one 0 byte). */
    public static void uint(ByteArrayOutputStream out, int id, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("unsigned EBML integer < 0: " + value);
        }
        int n = 1;
        while (n < 8 && (value >>> (8 * n)) != 0) {
            n++;
        }
        byte[] data = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            data[i] = (byte) value;
            value >>>= 8;
        }
        element(out, id, data);
    }

    /** A float element as an 8-byte IEEE 754 double (RFC 8794 §7.3). */
    public static void float64(ByteArrayOutputStream out, int id, double value) {
        long bits = Double.doubleToLongBits(value);
        byte[] data = new byte[8];
        for (int i = 7; i >= 0; i--) {
            data[i] = (byte) bits;
            bits >>>= 8;
        }
        element(out, id, data);
    }

    /** An ASCII string element (RFC 8794 §7.4); a UTF-8 one (§7.5) encodes the same way for ASCII text. */
    public static void string(ByteArrayOutputStream out, int id, String value) {
        element(out, id, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A master element holding what {@code body} writes. */
    public static void master(ByteArrayOutputStream out, int id, java.util.function.Consumer<ByteArrayOutputStream> body) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        body.accept(inner);
        element(out, id, inner.toByteArray());
    }
}
