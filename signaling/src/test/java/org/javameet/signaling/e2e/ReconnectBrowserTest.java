package org.javameet.signaling.e2e;

import static org.javameet.signaling.e2e.Browsers.awaitJs;
import static org.javameet.signaling.e2e.Browsers.js;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.room.RoomTestAccess;
import org.javameet.signaling.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.WebDriver;

/**
 * A participant whose signaling WebSocket is killed (the TCP connection reset under it with {@code ss -K}, as a
 * NAT or proxy dropping it would) resumes under the same participant id: the other never sees them leave, their
 * moderator role stays, and their video keeps decoding. Prints the time from the reset to the resume. Needs root
 * in the test's network namespace (test.sh runs it so).
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconnectBrowserTest {
    private static final Duration JOIN = Duration.ofSeconds(40);
    private static final String ROOM = "reconnect";

    private static long framesFrom(WebDriver d, String participantId) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> inbound = (List<Map<String, Object>>) Browsers.stats(d).get("inbound");
        long frames = 0;
        for (Map<String, Object> s : inbound) {
            if (participantId.equals(s.get("participantId")) && "video".equals(s.get("kind"))) {
                frames += ((Number) s.get("framesDecoded")).longValue();
            }
        }
        return frames;
    }

    private static double removals(JavameetServer server) {
        return server.meterRegistry().get("javameet.participants.removed").functionCounters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aKilledWebSocketResumesUnderTheSameId() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        ServerConfig config = ServerConfig.defaults().withHttpAddress("127.0.0.1").withHttpPort(FreePorts.tcp())
                .withMediaPort(FreePorts.udp()).withPublicAddresses(List.of("127.0.0.1"));
        try (JavameetServer server = new JavameetServer(config, null).start(); Browsers browsers = new Browsers()) {
            String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/" + ROOM
                    + "#config.prejoinPageEnabled=false&userInfo.displayName=";
            WebDriver ada = browsers.open();
            ada.get(base + "%22Ada%22");
            Browsers.awaitState(ada, "joined", JOIN);
            WebDriver bob = browsers.open();
            bob.get(base + "%22Bob%22");
            Browsers.awaitState(bob, "joined", JOIN);
            String adaId = (String) js(ada, "return window.javameet.participantId");
            assertEquals(true, js(ada, "return window.javameet.moderator"), "Ada came first");
            Browsers.await("Bob decoding Ada's video", JOIN, () -> framesFrom(bob, adaId) > 10);

            InetSocketAddress socket = RoomTestAccess.signalingClientAddress(server, ROOM, adaId);
            assertNotNull(socket);
            double removedBefore = removals(server);
            long killed = System.nanoTime();
            Process ss = new ProcessBuilder("ss", "-K", "src", "127.0.0.1", "sport", "=", ":" + socket.getPort())
                    .redirectErrorStream(true).start();
            assertTrue(ss.waitFor(10, TimeUnit.SECONDS));
            String out = new String(ss.getInputStream().readAllBytes());
            assertTrue(out.contains(":" + socket.getPort()), "ss killed Ada's socket: " + out);

            // until Ada is back, Bob keeps her tile (polled every 200 ms), and she keeps her id
            Browsers.await("Ada resumed", JOIN, () -> {
                assertEquals(true, js(bob, "return window.javameet.participants().some(p => p.id === arguments[0])",
                        adaId), "Bob never sees Ada leave");
                InetSocketAddress now = RoomTestAccess.signalingClientAddress(server, ROOM, adaId);
                return now != null && now.getPort() != socket.getPort()
                        && Boolean.FALSE.equals(js(ada, "return window.javameet.connection.reconnecting"));
            });
            long resumedMs = (System.nanoTime() - killed) / 1_000_000;
            assertEquals(adaId, js(ada, "return window.javameet.participantId"), "the same participant");
            assertEquals("joined", js(ada, "return window.javameet.state"));
            assertEquals(true, js(ada, "return window.javameet.moderator"), "still moderator");
            awaitJs(bob, "Ada's badge gone", JOIN, "const p = window.javameet.participants()"
                    + ".find(p => p.id === arguments[0]); return !!p && !p.reconnecting", adaId);
            long frames = framesFrom(bob, adaId);
            Browsers.await("Bob still decoding Ada's video", JOIN, () -> framesFrom(bob, adaId) > frames + 30);
            assertEquals(removedBefore, removals(server), "nobody was removed");
            assertEquals(2, server.rooms().participantCount());
            System.out.printf("[e2e] WebSocket killed -> resumed as %s in %d ms; video decoding throughout%n", adaId,
                    resumedMs);
        }
    }
}
