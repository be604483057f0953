package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * ICE-TCP end to end: a Chromium in a namespace whose nftables rules drop all UDP ({@link UdpBlockedNamespace})
 * meets a normal Chromium. Each decodes the other's video and receives their audio; the blocked one's selected
 * candidate pairs (getStats) are TCP, the other's UDP; the rules did drop UDP (the browser tried it first); and
 * the server and the participants panel say who connects how.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class IceTcpBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The protocols of both connections' selected candidate pairs: {publish: {local, remote}, subscribe: ...}. */
    private static final String SELECTED_PAIRS = """
            const done = arguments[arguments.length - 1];
            const pairOf = async (pc) => {
              if (!pc) return null;
              const r = await pc.getStats();
              let out = null;
              r.forEach((s) => {
                if (s.type === 'transport' && s.selectedCandidatePairId) {
                  const p = r.get(s.selectedCandidatePairId);
                  const l = p && r.get(p.localCandidateId);
                  const c = p && r.get(p.remoteCandidateId);
                  out = { local: l?.protocol ?? null, remote: c?.protocol ?? null, state: p?.state ?? null,
                          remotePort: c?.port ?? null };
                }
              });
              return out;
            };
            const j = window.javameet;
            Promise.all([pairOf(j.publishPc), pairOf(j.subscribePc)])
              .then(([publish, subscribe]) => done({ publish, subscribe }), (e) => done({ error: String(e) }));
            """;

    @Test
    void chromiumWithoutUdpMeetsANormalOneThroughIceTcp() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        assertNull(UdpBlockedNamespace.missingPrerequisite());
        try (UdpBlockedNamespace blockedNet = new UdpBlockedNamespace()) {
            // HTTP on every address of the test's namespace: loopback for the normal browser, the veth for the other
            ServerConfig config = ServerConfig.defaults().toBuilder().httpAddress("0.0.0.0").httpPort(FreePorts.tcp())
                    .mediaPort(FreePorts.udp())
                    .publicAddresses(List.of("127.0.0.1", UdpBlockedNamespace.HOST_ADDRESS)).build();
            try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
                int port = server.httpAddress().getPort();
                String blockedOrigin = "http://" + UdpBlockedNamespace.HOST_ADDRESS + ":" + port;
                WebDriver normal = browsers.open();
                normal.get("http://127.0.0.1:" + port + "/IceTcp-room#config.prejoinPageEnabled=false"
                        + "&userInfo.displayName=%22Normal%22");
                WebDriver blocked = blockedNet.openChromium(blockedOrigin);
                blocked.get(blockedOrigin + "/IceTcp-room#config.prejoinPageEnabled=false"
                        + "&userInfo.displayName=%22NoUdp%22");
                Browsers.awaitState(normal, "joined", WAIT);
                Browsers.awaitState(blocked, "joined", WAIT);
                String normalId = (String) Browsers.js(normal, "return window.javameet.participantId");
                String blockedId = (String) Browsers.js(blocked, "return window.javameet.participantId");

                awaitReceives("the UDP-blocked Chromium", blocked, normalId, server);
                awaitReceives("the normal Chromium", normal, blockedId, server);

                Map<String, Object> blockedPairs = selectedPairs(blocked);
                Map<String, Object> normalPairs = selectedPairs(normal);
                System.out.println("[e2e] selected pairs: UDP-blocked " + blockedPairs + ", normal " + normalPairs);
                for (String pc : List.of("publish", "subscribe")) {
                    assertEquals("tcp", pair(blockedPairs, pc).get("local"), pc + " of the blocked browser: " + blockedPairs);
                    assertEquals("tcp", pair(blockedPairs, pc).get("remote"), pc + " of the blocked browser: " + blockedPairs);
                    assertEquals("udp", pair(normalPairs, pc).get("remote"), pc + " of the normal browser: " + normalPairs);
                }
                long dropped = blockedNet.udpDropped();
                System.out.println("[e2e] UDP packets dropped in the blocked namespace: " + dropped);
                assertTrue(dropped > 0, "the blocked browser never even tried UDP: nothing was dropped");

                String page = server.meterRegistry().scrape();
                assertTrue(page.contains("javameet_media_transports{type=\"tcp\"} 2.0"), page);
                assertTrue(page.contains("javameet_media_transports{type=\"udp\"} 2.0"), page);
                Browsers.awaitPanelConnection(normal, blockedId, "tcp", WAIT);
                Browsers.awaitPanelConnection(normal, normalId, "udp", WAIT);
                Browsers.awaitPanelConnection(blocked, blockedId, "tcp", WAIT);
                Browsers.await("/metrics counting one participant over tcp and one over udp", WAIT,
                        () -> TurnRelayMeetingTest.participantsConnectedAs(server, "tcp") == 1
                                && TurnRelayMeetingTest.participantsConnectedAs(server, "udp") == 1);
            }
        }
    }

    static Map<String, Object> selectedPairs(WebDriver d) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) ((org.openqa.selenium.JavascriptExecutor) d)
                .executeAsyncScript(SELECTED_PAIRS);
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pair(Map<String, Object> pairs, String pc) {
        Object p = pairs.get(pc);
        return p instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static void awaitReceives(String who, WebDriver d, String other, JavameetServer server)
            throws InterruptedException {
        try {
            Browsers.await(who + " decoding video and receiving audio of " + other, WAIT,
                    () -> ThreeBrowserMeetingTest.receivesAll(Browsers.stats(d), List.of(other)));
        } catch (AssertionError e) {
            System.out.println("[e2e] " + who + " stats at timeout: " + Browsers.stats(d));
            server.meterRegistry().scrape().lines()
                    .filter(l -> l.startsWith("javameet_media") && !l.endsWith(" 0.0"))
                    .forEach(l -> System.out.println("[e2e] server " + l));
            throw e;
        }
    }
}
