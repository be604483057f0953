package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.config.TurnConfig;
import org.javameet.signaling.testing.LoopbackConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.WebDriver;

/**
 * Two Chromium participants forced to relay ({@code #config.iceTransportPolicy=relay}) meet through a real
 * coturn, once for each way to reach it: TURN over UDP, over TCP and over TLS. Each connection's selected
 * local candidate must be a relay candidate allocated over that protocol (getStats' relayProtocol), and each
 * browser must decode the other's video and receive its audio: the credentials javameet issued were accepted
 * by coturn's use-auth-secret check, from the same secret file. Each client reports its path ({@code mediaPath}),
 * so both browsers' participants panels and {@code /metrics} show relay-udp, relay-tcp or relay-tls.
 *
 * <p>Over UDP the credentials live 60 s: the clients must fetch fresh ones before that (refreshIceServers),
 * while media keeps flowing.
 *
 * <p>Chromium checks a TURN server's TLS certificate like any other: the self-signed one is trusted by its
 * public key's hash only, with --ignore-certificate-errors-spki-list (for these browsers only; the client
 * code is the production one). Without it (-Djavameet.turnUntrustedCertificate=true) Chromium resets the TLS
 * connection after coturn's certificate and the TLS case times out, which is how this was found.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class TurnRelayMeetingTest {
    /** The shortest allowed: clients ask for fresh credentials at 80% of it, 48 s after joining. */
    private static final int CREDENTIAL_TTL_SECONDS = 60;
    private static Coturn coturn;

    @BeforeAll
    static void startCoturn() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        assertNull(Coturn.missingPrerequisite());
        coturn = new Coturn();
    }

    @AfterAll
    static void stopCoturn() throws InterruptedException {
        if (coturn != null) {
            coturn.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp", "tls"})
    void twoParticipantsMeetThroughTurn(String transport) throws Exception {
        ServerConfig config = LoopbackConfig.builder()
                .turn(new TurnConfig(List.of(coturn.url(transport)), coturn.secretFile.toString(), CREDENTIAL_TTL_SECONDS)).build();
        List<String> chromiumFlags = Boolean.getBoolean("javameet.turnUntrustedCertificate") ? List.of()
                : List.of("--ignore-certificate-errors-spki-list=" + coturn.certificateSpki);
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/Turn-" + transport;
            List<WebDriver> peers = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                WebDriver d = browsers.open(1280, 800, false, chromiumFlags);
                d.get(base + "#config.prejoinPageEnabled=false&config.iceTransportPolicy=relay"
                        + "&userInfo.displayName=%22Relayed" + i + "%22");
                Browsers.awaitState(d, "joined", Duration.ofSeconds(30));
                ids.add((String) Browsers.js(d, "return window.javameet.participantId"));
                peers.add(d);
            }
            for (int i = 0; i < 2; i++) {
                WebDriver d = peers.get(i);
                String other = ids.get(1 - i);
                try {
                    Browsers.await("browser " + i + " decoding video and receiving audio of " + other + " over TURN/"
                            + transport, Duration.ofSeconds(60),
                            () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(d), List.of(other)));
                } catch (AssertionError e) {
                    System.out.println("[e2e] browser " + i + " stats at timeout: " + Browsers.stats(d));
                    System.out.println("[e2e] coturn log:\n" + coturn.log());
                    throw e;
                }
                Map<String, Object> paths = paths(d);
                System.out.println("[e2e] TURN/" + transport + " browser " + i + " paths: " + paths);
                for (String which : List.of("publish", "subscribe")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> path = (Map<String, Object>) paths.get(which);
                    assertEquals("relay", path.get("candidateType"), which + " " + path);
                    assertEquals(transport, path.get("relayProtocol"), which + " " + path);
                    // from the TURN server to the SFU, a relayed candidate is always UDP
                    assertEquals("udp", path.get("protocol"), which + " " + path);
                }
            }
            // Only the clients know they are relayed (their mediaPath reports): the panel and /metrics say so
            String expected = "relay-" + transport;
            for (int i = 0; i < 2; i++) {
                Browsers.awaitPanelConnection(peers.get(i), ids.get(1 - i), expected, Duration.ofSeconds(30));
                Browsers.awaitPanelConnection(peers.get(i), ids.get(i), expected, Duration.ofSeconds(30));
            }
            Browsers.await("/metrics counting both participants as " + expected, Duration.ofSeconds(30),
                    () -> participantsConnectedAs(server, expected) == 2);
            System.out.println("[e2e] TURN/" + transport + " /metrics: " + server.meterRegistry().scrape().lines()
                    .filter(l -> l.startsWith("javameet_participants_by_connection")).toList());
            if (transport.equals("udp")) {
                // Before the credentials expire, both clients fetch fresh ones (2 joins + 2 refreshes); media
                // keeps flowing through the relay allocated with the first ones.
                Browsers.await("both clients refreshing their TURN credentials", Duration.ofSeconds(70),
                        () -> issuedCredentials(server) >= 4);
                for (int i = 0; i < 2; i++) {
                    WebDriver d = peers.get(i);
                    String other = ids.get(1 - i);
                    double before = ThreeBrowserMeetingTest.videoBytes(d).getOrDefault(other, 0.0);
                    Browsers.await("browser " + i + " still receiving after the refresh", Duration.ofSeconds(20),
                            () -> ThreeBrowserMeetingTest.videoBytes(d).getOrDefault(other, 0.0) > before);
                }
            }
        }
    }

    static double participantsConnectedAs(JavameetServer server, String type) {
        return server.meterRegistry().get("javameet.participants.by.connection").tag("type", type).gauge().value();
    }

    private static double issuedCredentials(JavameetServer server) {
        return server.meterRegistry().find("javameet.turn.credentials.issued").functionCounter().count();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> paths(WebDriver d) {
        return (Map<String, Object>) Browsers.stats(d).get("paths");
    }
}
