package org.javameet.sfu.dtls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The server's DTLS identity: a self-signed ECDSA P-256 certificate (what browsers generate too),
 * plus the BouncyCastle objects the TLS API needs. Generate it once at start and share it with
 * every {@link DtlsEndpoint}; it is immutable and thread-safe (BcTlsCrypto only draws from its
 * SecureRandom, which is thread-safe).
 */
public final class DtlsCertificate {
    private static final String SUBJECT = "CN=javameet";
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final BcTlsCrypto crypto;
    private final Certificate certificate;
    private final AsymmetricKeyParameter privateKey;
    private final byte[] der;
    private final DtlsFingerprint fingerprint;

    private DtlsCertificate(BcTlsCrypto crypto, Certificate certificate, AsymmetricKeyParameter privateKey, byte[] der) {
        this.crypto = crypto;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.der = der;
        this.fingerprint = DtlsFingerprint.of("sha-256", der);
    }

    public static DtlsCertificate generate() {
        return generate(new SecureRandom());
    }

    /**
     * {@link #generate()} on a daemon thread of its own: a server's first certificate costs a few hundred
     * milliseconds of BouncyCastle class loading and cold EC arithmetic, which need not hold up binding its ports
     * (docs/performance.md, Start-up). The future fails with what generation threw.
     */
    public static CompletableFuture<DtlsCertificate> generateInBackground() {
        CompletableFuture<DtlsCertificate> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(generate());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "dtls-certificate");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /**
     * Self-signed X.509 v3, SHA256withECDSA over a P-256 key (named curve), random positive
     * 64-bit serial, valid from yesterday (clock skew) to 30 days ahead.
     */
    public static DtlsCertificate generate(SecureRandom random) {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(ECNamedDomainParameters.lookup(SECObjectIdentifiers.secp256r1), random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        try {
            X500Name name = new X500Name(SUBJECT);
            Instant now = Instant.now();
            BigInteger serial = new BigInteger(64, random).setBit(62); // positive, never zero
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
                    name, serial, Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)),
                    name, SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
            byte[] der = builder.build(new BcECContentSignerBuilder(signature, digest).build(keyPair.getPrivate())).getEncoded();

            BcTlsCrypto crypto = new BcTlsCrypto(random);
            Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(der)});
            return new DtlsCertificate(crypto, chain, keyPair.getPrivate(), der);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the DTLS certificate", e);
        }
    }

    /** The SDP {@code a=fingerprint} value, {@code "sha-256 AB:CD:..."}. */
    public String fingerprint() {
        return fingerprint.toString();
    }

    /** Always {@code "sha-256"}: what every browser sends and checks. */
    public String fingerprintAlgorithm() {
        return fingerprint.algorithm();
    }

    /** Upper-case, colon-separated SHA-256 of {@link #derEncoded()}. */
    public String fingerprintHex() {
        return fingerprint.hex();
    }

    public DtlsFingerprint dtlsFingerprint() {
        return fingerprint;
    }

    /**
     * Upper-case, colon-separated hash of a DER certificate, for sha-1, sha-224, sha-256,
     * sha-384 and sha-512 (RFC 8122 names).
     */
    public static String fingerprint(String algorithm, byte[] derCertificate) {
        return DtlsFingerprint.hexOf(algorithm, derCertificate);
    }

    /** A copy of the DER encoding. */
    public byte[] derEncoded() {
        return der.clone();
    }

    public BcTlsCrypto crypto() {
        return crypto;
    }

    /** The one-certificate chain in BouncyCastle's TLS form. */
    public Certificate certificate() {
        return certificate;
    }

    public AsymmetricKeyParameter privateKey() {
        return privateKey;
    }
}
