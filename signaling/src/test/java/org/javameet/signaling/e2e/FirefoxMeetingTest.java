package org.javameet.signaling.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * Firefox meets Chromium (issue: nobody ever saw Firefox's camera, because Firefox offers its video as a
 * bundle-only m-section). One Chromium and two Firefox ESR participants (fake devices) join one room; each
 * must decode the others' video and receive their audio, both ways between the browsers.
 * Firefox gathers host candidates only on an interface a default route points to, and does not pair its
 * candidates with the server's 127.0.0.1: test.sh gives the namespace a veth pair of its own (192.0.2.1, a
 * documentation address, default route to nowhere), and the server announces the machine's addresses.
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
class FirefoxMeetingTest {

    @Test
    void oneChromiumAndTwoFirefoxSeeAndHearEachOther() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        assertNull(FirefoxParticipant.missingPrerequisite());
        // No publicAddresses: the server announces the namespace's addresses (192.0.2.1 and 127.0.0.1).
        ServerConfig config = ServerConfig.defaults().toBuilder().httpAddress("127.0.0.1").httpPort(FreePorts.tcp())
                .mediaPort(FreePorts.udp()).build();
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/Firefox-room"
                    + "#config.prejoinPageEnabled=false&userInfo.displayName=";
            List<FirefoxParticipant> foxes = new ArrayList<>();
            try {
                for (int i = 1; i <= 2; i++) {
                    foxes.add(new FirefoxParticipant("fox" + i, base + "%22Fox" + i + "%22"));
                }
                WebDriver chromium = browsers.open();
                chromium.get(base + "%22Chromium%22");
                for (FirefoxParticipant fox : foxes) {
                    fox.awaitLoaded();
                }

                Browsers.await("Chromium joined", Duration.ofSeconds(30),
                        () -> "joined".equals(Browsers.js(chromium, "return window.javameet && window.javameet.state")));
                List<String> ids = new ArrayList<>();
                ids.add((String) Browsers.js(chromium, "return window.javameet.participantId"));
                for (FirefoxParticipant fox : foxes) {
                    Browsers.await("Firefox joined (now " + fox.state() + ")", Duration.ofSeconds(30),
                            () -> "joined".equals(fox.state()));
                    ids.add(fox.eval("window.javameet.participantId").asText());
                }
                assertEquals(3, ids.stream().distinct().count());

                // A participant that cannot get its media through (a busy machine) may join again under a new
                // id: that is the client recovering, so who "the others" are is read anew on every check.
                java.util.function.Supplier<List<String>> currentIds = () -> {
                    List<String> now = new ArrayList<>();
                    now.add(String.valueOf(Browsers.js(chromium, "return window.javameet.participantId")));
                    for (FirefoxParticipant fox : foxes) {
                        try {
                            now.add(fox.eval("window.javameet.participantId").asText());
                        } catch (Exception e) {
                            now.add("?");
                        }
                    }
                    return now;
                };
                awaitReceives("Chromium", () -> Browsers.stats(chromium), () -> othersOf(currentIds.get(), 0), server);
                for (int i = 0; i < foxes.size(); i++) {
                    FirefoxParticipant fox = foxes.get(i);
                    int self = i + 1;
                    awaitReceives("Firefox " + self, () -> {
                        try {
                            return fox.stats();
                        } catch (Exception e) {
                            return Map.of();
                        }
                    }, () -> othersOf(currentIds.get(), self), server);
                }
                for (Map<String, Object> in : ThreeBrowserMeetingTest.inbound(Browsers.stats(chromium))) {
                    System.out.printf("[e2e] Chromium receives %s %s: %s frames decoded (%sx%s), %s packets%n",
                            in.get("participantId"), in.get("kind"), in.get("framesDecoded"), in.get("frameWidth"),
                            in.get("frameHeight"), in.get("packetsReceived"));
                }
                for (Map<String, Object> in : ThreeBrowserMeetingTest.inbound(foxes.get(0).stats())) {
                    System.out.printf("[e2e] Firefox 1 receives %s %s: %s frames decoded (%sx%s), %s packets%n",
                            in.get("participantId"), in.get("kind"), in.get("framesDecoded"), in.get("frameWidth"),
                            in.get("frameHeight"), in.get("packetsReceived"));
                }
            } finally {
                for (FirefoxParticipant fox : foxes) {
                    fox.close();
                }
            }
        }
    }

    private static List<String> othersOf(List<String> ids, int self) {
        List<String> others = new ArrayList<>(ids);
        others.remove(self);
        return others;
    }

    private static void awaitReceives(String who, java.util.function.Supplier<Map<String, Object>> stats,
                                      java.util.function.Supplier<List<String>> others, JavameetServer server)
            throws InterruptedException {
        try {
            Browsers.await(who + " decoding video and receiving audio of the two others", Duration.ofSeconds(45),
                    () -> ThreeBrowserMeetingTest.receivesAll(stats.get(), others.get()));
        } catch (AssertionError e) {
            System.out.println("[e2e] " + who + " expected " + others.get() + "; stats at timeout: " + stats.get());
            server.meterRegistry().scrape().lines()
                    .filter(l -> (l.startsWith("javameet_media") || l.startsWith("javameet_sdp")) && !l.endsWith(" 0.0"))
                    .forEach(l -> System.out.println("[e2e] server " + l));
            throw e;
        }
    }
}
