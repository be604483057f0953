package org.javameet.signaling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * services.javameet.turn's coturn set-up, without nixpkgs: nixos-module/turn.nix (builtins only; module.nix
 * hands its results to services.coturn, the coturn unit and the firewall) is evaluated by
 * {@code nix-instantiate}, and what it makes is checked: the deny rules cover the private ranges and let only
 * javameet's own addresses through, the URLs pass javameet's own loader, secrets and keys come as systemd
 * credentials (never a store path), the firewall opens what coturn listens on. Debian's coturn then reads the
 * rendered rules (it names a malformed one in its log). The option names against nixpkgs' real
 * services.coturn are checked by nixos-module/dev/eval-with-lib.nix (needs nixpkgs' lib, so not in CI).
 */
class NixTurnTest {
    private static final Path TURN_NIX = NixInstantiate.NIXOS_MODULE.resolve("turn.nix");
    private static final Path SETTINGS_NIX = NixInstantiate.NIXOS_MODULE.resolve("settings.nix");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SECRET_FILE = "/run/secrets/javameet-turn-secret";

    private static NixInstantiate nix;
    private static JsonNode turn;

    @BeforeAll
    static void evaluate() throws Exception {
        nix = NixInstantiate.find();
        // What module.nix passes for hostName meet.example.com behind NAT 10.0.0.5 -> 203.0.113.7.
        NixInstantiate.Result r = nix.evalJson("import " + TURN_NIX + " { hostName = \"meet.example.com\";"
                + " realm = \"meet.example.com\"; listeningPort = 3478; tlsListeningPort = 5349; minPort = 49152;"
                + " maxPort = 65535; allowedPeerAddresses = [ \"10.0.0.5\" \"203.0.113.7\" ];"
                + " secretFile = \"" + SECRET_FILE + "\"; certificateDirectory = \"/var/lib/acme/meet.example.com\"; }");
        assertEquals(0, r.exitCode(), "turn.nix does not evaluate:\n" + r.stderr());
        turn = MAPPER.readTree(r.stdout());
    }

    private static List<String> extraConfigLines() {
        return List.of(turn.path("coturn").path("extraConfig").asText().split("\n"));
    }

    @Test
    void theRelayIsDeniedEveryPrivateRangeButJavameetsOwnAddresses() {
        List<String> lines = extraConfigLines();
        for (String range : List.of("10.0.0.0-10.255.255.255", "172.16.0.0-172.31.255.255",
                "192.168.0.0-192.168.255.255", "127.0.0.0-127.255.255.255", "169.254.0.0-169.254.255.255",
                "100.64.0.0-100.127.255.255", "0.0.0.0-0.255.255.255", "::1",
                "::ffff:0.0.0.0-::ffff:255.255.255.255", "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) {
            assertTrue(lines.contains("denied-peer-ip=" + range), "not denied: " + range + " in " + lines);
        }
        assertTrue(lines.contains("no-multicast-peers"), lines.toString());
        List<String> allowed = lines.stream().filter(l -> l.startsWith("allowed-peer-ip=")).toList();
        assertEquals(List.of("allowed-peer-ip=10.0.0.5", "allowed-peer-ip=203.0.113.7"), allowed);
        assertFalse(lines.contains("allow-loopback-peers"));
    }

    @Test
    void coturnChecksJavameetsCredentialsAndServesTlsWithTheAcmeCertificateFromCredentials() {
        JsonNode c = turn.path("coturn");
        assertTrue(c.path("enable").asBoolean());
        assertTrue(c.path("use-auth-secret").asBoolean());
        assertTrue(c.path("no-cli").asBoolean());
        assertEquals("meet.example.com", c.path("realm").asText());
        assertEquals("/run/credentials/coturn.service/turn-secret", c.path("static-auth-secret-file").asText());
        assertEquals("/run/credentials/coturn.service/cert.pem", c.path("cert").asText());
        assertEquals("/run/credentials/coturn.service/key.pem", c.path("pkey").asText());
        assertEquals(5349, c.path("tls-listening-port").asInt());
        assertEquals(List.of("turn-secret:" + SECRET_FILE, "cert.pem:/var/lib/acme/meet.example.com/fullchain.pem",
                "key.pem:/var/lib/acme/meet.example.com/key.pem"), strings(turn.path("coturnLoadCredential")));
        assertFalse(turn.toString().contains("/nix/store"), "nothing of coturn's comes from the store: " + turn);
    }

    @Test
    void theFirewallOpensTurnAndTheRelayRange() {
        JsonNode fw = turn.path("firewall");
        assertEquals("[3478]", fw.path("allowedUDPPorts").toString());
        assertEquals("[3478,5349]", fw.path("allowedTCPPorts").toString());
        assertEquals("[{\"from\":49152,\"to\":65535}]", fw.path("allowedUDPPortRanges").toString());
        assertEquals(49152, turn.path("coturn").path("min-port").asInt());
        assertEquals(65535, turn.path("coturn").path("max-port").asInt());
    }

    /** The URLs and javameet's credential path reach the config file and load with the real loader. */
    @Test
    void javameetsTurnSectionLoads() throws Exception {
        assertEquals(List.of("turn:meet.example.com:3478?transport=udp", "turn:meet.example.com:3478?transport=tcp",
                "turns:meet.example.com:5349?transport=tcp"), strings(turn.path("urls")));
        // settings.nix as module.nix calls it with turn on; a real file stands in for the credential
        Path secret = Files.createTempFile(Path.of("target"), "turn-secret", "");
        Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        NixInstantiate.Result r = nix.evalJson("import " + SETTINGS_NIX + " { httpAddress = \"127.0.0.1\";"
                + " httpPort = 8080; mediaPort = 10000; publicAddress = null; localAddress = null; logLevel = \"info\";"
                + " auth = { mode = \"none\"; }; config = { }; interfaceConfig = { }; settings = { };"
                + " turn = { urls = " + nixList(strings(turn.path("urls"))) + "; secretFile = \"" + secret
                + "\"; credentialTtlSeconds = 3600; }; }");
        assertEquals(0, r.exitCode(), r.stderr());
        ServerConfig loaded = ServerConfig.parse(r.stdout(), "settings.nix with turn");
        assertEquals(new TurnConfig(strings(turn.path("urls")), secret.toString(), 3600), loaded.turn());
    }

    /** Debian's coturn reads the rendered rules without a "Wrong address format" (how it names a bad one). */
    @Test
    void coturnAcceptsTheRenderedRules() throws Exception {
        Path turnserver = Path.of("/usr/bin/turnserver");
        if (!Files.isExecutable(turnserver)) {
            fail("/usr/bin/turnserver is missing: apt-get install coturn (test.sh installs it)");
        }
        Path dir = Files.createDirectories(Path.of("target", "nix-turn").toAbsolutePath());
        Path log = dir.resolve("turnserver.log");
        Files.deleteIfExists(log);
        int port = org.javameet.signaling.testing.FreePorts.tcp();
        List<String> conf = new ArrayList<>(List.of("listening-ip=127.0.0.1", "listening-port=" + port,
                "tls-listening-port=" + org.javameet.signaling.testing.FreePorts.tcp(), "no-tls", "no-dtls",
                "use-auth-secret", "static-auth-secret=0123456789abcdef", "realm=test", "no-cli",
                "min-port=49152", "max-port=49160", "log-file=" + log, "simple-log", "pidfile=" + dir.resolve("pid")));
        conf.addAll(extraConfigLines());
        Path confFile = dir.resolve("turnserver.conf");
        Files.write(confFile, conf);
        Process p = new ProcessBuilder(turnserver.toString(), "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.out").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!(Files.exists(log) && Files.readString(log).contains("Total General servers"))) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("turnserver did not start:\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"));
                }
                Thread.sleep(100);
            }
            String text = Files.readString(log);
            assertFalse(text.contains("Wrong address"), text);
            assertFalse(text.contains("Bad configuration format"), text);
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String nixList(List<String> items) {
        StringBuilder b = new StringBuilder("[ ");
        items.forEach(i -> b.append('"').append(i).append("\" "));
        return b.append(']').toString();
    }
}
