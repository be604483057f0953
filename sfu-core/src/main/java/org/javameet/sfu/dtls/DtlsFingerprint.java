package org.javameet.sfu.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint as carried in SDP (RFC 8122 §5):
 * {@code a=fingerprint:sha-256 AB:CD:...}. The algorithm is kept lower-case and the hex
 * upper-case with colons, which is what browsers write; {@link #parse} and {@link #matches}
 * accept any case.
 */
public record DtlsFingerprint(String algorithm, String hex) {
    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    public DtlsFingerprint {
        algorithm = algorithm.trim().toLowerCase(Locale.ROOT);
        hex = hex.trim().toUpperCase(Locale.ROOT);
        javaDigestName(algorithm); // rejects what we cannot check
    }

    /**
     * Parses the value of an {@code a=fingerprint} attribute, e.g. {@code "sha-256 AB:CD:..."}.
     *
     * @throws IllegalArgumentException when it is not "algorithm SP hex" or the algorithm is unsupported
     */
    public static DtlsFingerprint parse(String sdpValue) {
        String v = sdpValue.trim();
        int sp = v.indexOf(' ');
        if (sp <= 0 || sp == v.length() - 1) {
            throw new IllegalArgumentException("fingerprint must be '<hash-func> <hex>': " + sdpValue);
        }
        return new DtlsFingerprint(v.substring(0, sp), v.substring(sp + 1));
    }

    /** Hashes a DER certificate with {@code algorithm} (sha-1, sha-224, sha-256, sha-384, sha-512). */
    public static DtlsFingerprint of(String algorithm, byte[] derCertificate) {
        return new DtlsFingerprint(algorithm, hexOf(algorithm, derCertificate));
    }

    /** Upper-case, colon-separated hash of a DER certificate. */
    static String hexOf(String algorithm, byte[] derCertificate) {
        try {
            MessageDigest md = MessageDigest.getInstance(javaDigestName(algorithm.trim().toLowerCase(Locale.ROOT)));
            return COLON_HEX.formatHex(md.digest(derCertificate));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without " + algorithm, e);
        }
    }

    /** Whether {@code derCertificate} hashes to this fingerprint; the comparison is constant-time. */
    public boolean matches(byte[] derCertificate) {
        byte[] expected = hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] actual = hexOf(algorithm, derCertificate).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    /** The SDP attribute value, {@code "sha-256 AB:CD:..."}. */
    @Override
    public String toString() {
        return algorithm + " " + hex;
    }

    private static String javaDigestName(String sdpName) {
        // RFC 8122 §5 names them after the IANA "Hash Function Textual Names" registry.
        return switch (sdpName) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint hash function: " + sdpName);
        };
    }
}
