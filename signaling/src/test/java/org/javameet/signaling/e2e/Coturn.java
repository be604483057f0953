package org.javameet.signaling.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.javameet.signaling.testing.FreePorts;

/**
 * Debian's coturn ({@code turnserver}) as the NixOS module runs it, for one test class: TURN REST API auth
 * ({@code use-auth-secret}) with a secret this class writes, TLS with a self-signed certificate it makes, on
 * loopback only. The SFU is on loopback too, which coturn refuses as a peer unless told otherwise
 * ({@code allow-loopback-peers}; production denies private ranges, see nixos-module/turn.nix).
 */
final class Coturn implements AutoCloseable {
    static final String TURNSERVER = System.getProperty("javameet.turnserver", "/usr/bin/turnserver");
    static final String HOST = "127.0.0.1";

    final Path dir;
    final int port;
    final int tlsPort;
    /** The secret file javameet reads: with a trailing newline, as `openssl rand -hex 32 > file` writes it. */
    final Path secretFile;
    /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo, for Chromium's --ignore-certificate-errors-spki-list. */
    final String certificateSpki;
    private final Process process;

    static String missingPrerequisite() {
        if (!new File(TURNSERVER).canExecute()) {
            return TURNSERVER + " not found: apt-get install coturn";
        }
        if (Browsers.onPath("openssl") == null) {
            return "openssl not found: apt-get install openssl";
        }
        return null;
    }

    Coturn() throws Exception {
        dir = Files.createDirectories(Path.of("target", "coturn").toAbsolutePath());
        port = FreePorts.tcp();
        tlsPort = FreePorts.tcp();
        String secret = randomHex(32);
        secretFile = dir.resolve("turn-secret");
        Files.writeString(secretFile, secret + "\n");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=turn.javameet.test",
                "-addext", "subjectAltName=IP:" + HOST + ",DNS:turn.javameet.test"));
        certificateSpki = spki(cert);
        int relayBase = 40000 + (port % 20000);
        Path log = dir.resolve("turnserver.log");
        Files.deleteIfExists(log);
        // What the NixOS module configures (use-auth-secret, realm, TLS, a relay range, no-cli), on loopback.
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, String.join("\n",
                "listening-ip=" + HOST,
                "relay-ip=" + HOST,
                "listening-port=" + port,
                "tls-listening-port=" + tlsPort,
                "min-port=" + relayBase,
                "max-port=" + (relayBase + 200),
                "use-auth-secret",
                "static-auth-secret=" + secret,
                "realm=javameet.test",
                "cert=" + cert,
                "pkey=" + key,
                "no-cli",
                "no-dtls",
                "fingerprint",
                "allow-loopback-peers",
                "log-file=" + log,
                "simple-log",
                "pidfile=" + dir.resolve("turnserver.pid"),
                ""));
        process = new ProcessBuilder(TURNSERVER, "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.out").toFile()).start();
        awaitListening(port);
        awaitListening(tlsPort);
    }

    /** The URL of one way to reach this server: "udp", "tcp" or "tls". */
    String url(String transport) {
        return switch (transport) {
            case "udp" -> "turn:" + HOST + ":" + port + "?transport=udp";
            case "tcp" -> "turn:" + HOST + ":" + port + "?transport=tcp";
            case "tls" -> "turns:" + HOST + ":" + tlsPort + "?transport=tcp";
            default -> throw new IllegalArgumentException(transport);
        };
    }

    String log() throws IOException {
        Path log = dir.resolve("turnserver.log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }

    private void awaitListening(int tcpPort) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("turnserver exited " + process.exitValue() + ":\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, tcpPort), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("turnserver does not listen on " + tcpPort + ":\n" + log());
                }
                Thread.sleep(100);
            }
        }
    }

    private static String spki(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.out").toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: "
                    + Files.readString(dir.resolve("openssl.out")));
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
