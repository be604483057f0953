package org.javameet.sfu.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DtlsCertificateTest {
    private static DtlsCertificate cert;

    @BeforeAll
    static void generate() {
        cert = DtlsCertificate.generate();
    }

    @Test
    void generatedInTheBackgroundOnAThreadOfItsOwn() throws Exception {
        java.util.concurrent.CompletableFuture<DtlsCertificate> later = DtlsCertificate.generateInBackground();
        DtlsCertificate background = later.get(60, java.util.concurrent.TimeUnit.SECONDS);
        X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(background.derEncoded()));
        x.verify(x.getPublicKey());
        assertNotEquals(cert.fingerprintHex(), background.fingerprintHex());
    }

    @Test
    void jdkParsesItAsSelfSignedP256() throws Exception {
        X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.derEncoded()));
        assertEquals("SHA256withECDSA", x.getSigAlgName());
        assertEquals("CN=javameet", x.getSubjectX500Principal().getName());
        assertEquals(x.getSubjectX500Principal(), x.getIssuerX500Principal());
        assertEquals(256, ((ECPublicKey) x.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        x.verify(x.getPublicKey()); // self-signed with its own key
        x.checkValidity();
        Instant notBefore = x.getNotBefore().toInstant();
        assertTrue(notBefore.isBefore(Instant.now().minus(Duration.ofHours(23))));
        assertTrue(x.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(29))));
        assertTrue(x.getSerialNumber().signum() > 0);
        assertNotEquals(x.getSerialNumber(), ((X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(DtlsCertificate.generate().derEncoded()))).getSerialNumber());
    }

    @Test
    void fingerprintMatchesJdkSha256InSdpForm() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.derEncoded());
        String expected = HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        assertEquals("sha-256", cert.fingerprintAlgorithm());
        assertEquals(expected, cert.fingerprintHex());
        assertEquals("sha-256 " + expected, cert.fingerprint());
        assertEquals(95, cert.fingerprintHex().length()); // 32 bytes: 64 hex digits + 31 colons
        assertTrue(cert.fingerprintHex().matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"));
    }

    @ParameterizedTest
    @CsvSource({"sha-1, SHA-1, 20", "sha-256, SHA-256, 32", "sha-384, SHA-384, 48", "sha-512, SHA-512, 64"})
    void staticFingerprintSupportsTheBrowserHashes(String sdpName, String jdkName, int bytes) throws Exception {
        byte[] der = cert.derEncoded();
        String hex = DtlsCertificate.fingerprint(sdpName, der);
        assertEquals(HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance(jdkName).digest(der)), hex);
        assertEquals(bytes * 3 - 1, hex.length());
        assertTrue(DtlsFingerprint.parse(sdpName.toUpperCase(Locale.ROOT) + " " + hex.toLowerCase(Locale.ROOT)).matches(der));
    }

    @Test
    void fingerprintParsingAndMatching() {
        DtlsFingerprint fp = DtlsFingerprint.parse("  sha-256 " + cert.fingerprintHex() + "\r\n");
        assertEquals(cert.dtlsFingerprint(), fp);
        assertEquals(cert.fingerprint(), fp.toString());
        assertTrue(fp.matches(cert.derEncoded()));
        assertFalse(fp.matches(DtlsCertificate.generate().derEncoded()));
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse("md5 AA:BB"));
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse("sha-256"));
        assertThrows(IllegalArgumentException.class, () -> DtlsCertificate.fingerprint("sha-3", new byte[1]));
    }
}
