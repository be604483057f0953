package org.javameet.sfu.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpProfile;

/** The BouncyCastle TlsServer/TlsClient configured the WebRTC way (RFC 8827 §6.5, RFC 5764). */
final class DtlsPeers {
    private DtlsPeers() {
    }

    /**
     * ECDHE_ECDSA only (our certificate is ECDSA), AEAD first, then the CBC suites Chromium still
     * offers. BouncyCastle drops any its crypto provider lacks.
     */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    /** What we sign with: our key is P-256. */
    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    /** What we accept in the peer's CertificateVerify: browsers sign with ECDSA or RSA keys. */
    private static Vector<SignatureAndHashAlgorithm> peerSignatureAlgorithms() {
        Vector<SignatureAndHashAlgorithm> v = new Vector<>();
        v.add(ECDSA_SHA256);
        v.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
        v.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa));
        v.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
        v.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
        v.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa));
        v.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha512, SignatureAlgorithm.rsa));
        v.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha1, SignatureAlgorithm.ecdsa));
        v.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha1, SignatureAlgorithm.rsa));
        return v;
    }

    /** The endpoint-side hooks both peers report into; implemented by {@link DtlsEndpoint}. */
    interface Hooks {
        /** Checks the peer's certificate chain (fingerprint of the first entry); throws to abort. */
        void peerCertificate(Certificate chain) throws IOException;

        /** Records the failure reason that the exception about to be thrown should map to. */
        void failWith(DtlsException.Reason reason, String message);

        /** The negotiated profile and the exported keying material. */
        void handshakeComplete(SrtpProfile profile, byte[] keyingMaterial);

        void closeNotifyReceived();
    }

    static SrtpProfile select(List<SrtpProfile> preference, int[] offered) {
        for (SrtpProfile ours : preference) {
            for (int id : offered) {
                if (id == ours.id()) {
                    return ours;
                }
            }
        }
        return null;
    }

    static int[] ids(List<SrtpProfile> profiles) {
        return profiles.stream().mapToInt(SrtpProfile::id).toArray();
    }

    private static TlsCredentialedSigner signer(TlsContext context, DtlsCertificate cert) {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), cert.crypto(),
                cert.privateKey(), cert.certificate(), ECDSA_SHA256);
    }

    private static byte[] export(TlsContext context, SrtpProfile profile) {
        // RFC 5764 §4.2: the exporter with label "EXTRACTOR-dtls_srtp" and no context value.
        return context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, SrtpKeys.keyingMaterialLength(profile));
    }

    static final class Server extends DefaultTlsServer {
        private final DtlsCertificate cert;
        private final DtlsEndpoint.Options options;
        private final Hooks hooks;
        private SrtpProfile selected;

        Server(DtlsCertificate cert, DtlsEndpoint.Options options, Hooks hooks) {
            super(cert.crypto());
            this.cert = cert;
            this.options = options;
            this.hooks = hooks;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() {
            return signer(context, cert);
        }

        @Override
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            selected = offered == null ? null : select(options.srtpProfiles(), offered.getProtectionProfiles());
            if (selected == null) {
                hooks.failWith(DtlsException.Reason.NO_SRTP_PROFILE,
                        offered == null ? "client did not offer use_srtp" : "no common SRTP protection profile");
                throw new TlsFatalAlert(AlertDescription.handshake_failure);
            }
        }

        @Override
        public Hashtable getServerExtensions() throws IOException {
            Hashtable extensions = super.getServerExtensions();
            // RFC 5764 §4.1.1: the server answers with exactly one profile and an empty MKI.
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {selected.id()}, TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            // RFC 8827 §6.5: both sides authenticate with (self-signed) certificates.
            short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
            return new CertificateRequest(types, peerSignatureAlgorithms(), null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            hooks.peerCertificate(clientCertificate);
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false; // trust comes from the fingerprint, not from the certificate's own signature
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return options.handshakeTimeoutMillis();
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return options.initialRetransmitMillis();
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            hooks.handshakeComplete(selected, export(context, selected));
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            if (alertDescription == AlertDescription.close_notify) {
                hooks.closeNotifyReceived();
            }
        }

        @Override
        public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
            // BouncyCastle's default prints to stderr; failures reach the listener instead.
        }
    }

    static final class Client extends DefaultTlsClient {
        private final DtlsCertificate cert;
        private final DtlsEndpoint.Options options;
        private final Hooks hooks;
        private SrtpProfile selected;

        Client(DtlsCertificate cert, DtlsEndpoint.Options options, Hooks hooks) {
            super(cert.crypto());
            this.cert = cert;
            this.options = options;
            this.hooks = hooks;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        public Hashtable getClientExtensions() throws IOException {
            Hashtable extensions = super.getClientExtensions();
            if (extensions == null) {
                extensions = new Hashtable();
            }
            TlsSRTPUtils.addUseSRTPExtension(extensions,
                    new UseSRTPData(ids(options.srtpProfiles()), TlsUtils.EMPTY_BYTES));
            return extensions;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData chosen = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            int[] profiles = chosen == null ? new int[0] : chosen.getProtectionProfiles();
            selected = profiles.length == 1 ? select(options.srtpProfiles(), profiles) : null;
            if (selected == null || chosen.getMki().length != 0) {
                hooks.failWith(DtlsException.Reason.NO_SRTP_PROFILE,
                        chosen == null ? "server did not answer use_srtp" : "server chose an SRTP profile we did not offer");
                throw new TlsFatalAlert(AlertDescription.illegal_parameter);
            }
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    hooks.peerCertificate(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) {
                    return signer(context, cert);
                }
            };
        }

        @Override
        public boolean shouldCheckSigAlgOfPeerCerts() {
            return false;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return options.handshakeTimeoutMillis();
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            return options.initialRetransmitMillis();
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            hooks.handshakeComplete(selected, export(context, selected));
        }

        @Override
        public void notifyAlertReceived(short alertLevel, short alertDescription) {
            if (alertDescription == AlertDescription.close_notify) {
                hooks.closeNotifyReceived();
            }
        }

        @Override
        public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        }
    }
}
