package org.javameet.signaling.e2e;

import static org.javameet.signaling.e2e.Browsers.awaitJs;
import static org.javameet.signaling.e2e.Browsers.js;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.room.RoomTestAccess;
import org.javameet.signaling.testing.LoopbackConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Issue 10: a participant survives a network blip, a killed WebSocket, and is removed when it is really gone.
 * Ada and Bob meet in two Chromiums; then Ada's packets are dropped for 10 s (nftables), or her WebSocket is reset
 * ({@code ss -K}), or her browser is stopped (SIGSTOP). Needs root in the test's network namespace (test.sh runs
 * it so) and prints the figures (time to resume, to media after the restore, to the consent expiry).
 */
@EnabledIfSystemProperty(named = "javameet.browserTests", matches = "true")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReconnectBrowserTest {
    private static final Duration JOIN = Duration.ofSeconds(40);
    private static final String ROOM = "reconnect";
    private static final String NFT_TABLE = "javameet_blip";

    private JavameetServer server;
    private Browsers browsers;
    private WebDriver ada;
    private WebDriver bob;
    private String adaId;
    private String bobId;

    @BeforeEach
    void meet() throws Exception {
        assertNull(Browsers.missingPrerequisite());
        ServerConfig config = LoopbackConfig.builder().publicAddresses(Browsers.HOST_CANDIDATES).build();
        server = new JavameetServer(config, null).start();
        browsers = new Browsers();
        String base = "http://127.0.0.1:" + server.httpAddress().getPort() + "/" + ROOM
                + "#config.prejoinPageEnabled=false&userInfo.displayName=";
        ada = browsers.open();
        ada.get(base + "%22Ada%22");
        Browsers.awaitState(ada, "joined", JOIN);
        bob = browsers.open();
        bob.get(base + "%22Bob%22");
        Browsers.awaitState(bob, "joined", JOIN);
        adaId = (String) js(ada, "return window.javameet.participantId");
        bobId = (String) js(bob, "return window.javameet.participantId");
        assertEquals(true, js(ada, "return window.javameet.moderator"), "Ada came first");
        Browsers.await("Bob decoding Ada's video", JOIN, () -> framesFrom(bob, adaId) > 10);
        Browsers.await("Ada decoding Bob's video", JOIN, () -> framesFrom(ada, bobId) > 10);
    }

    @AfterEach
    void end() throws Exception {
        run("nft", "delete", "table", "inet", NFT_TABLE); // if a test failed with the blip on
        if (browsers != null) {
            browsers.close();
        }
        if (server != null) {
            server.close();
        }
    }

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

    /** The local UDP ports of the browser's selected candidate pairs (publish and subscribe connection). */
    @SuppressWarnings("unchecked")
    private static List<Long> mediaPorts(WebDriver d) {
        Object r = ((JavascriptExecutor) d).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "(async () => { const ports = [];"
                + "  for (const pc of [window.javameet.publishPc, window.javameet.subscribePc]) {"
                + "    if (!pc) continue; const r = await pc.getStats();"
                + "    r.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) {"
                + "      const pair = r.get(s.selectedCandidatePairId);"
                + "      ports.push(r.get(pair.localCandidateId).port); } }); }"
                + "  done(ports); })().catch(e => done(String(e)));");
        return ((List<Object>) r).stream().map(o -> ((Number) o).longValue()).toList();
    }

    private double removals(String reason) {
        return server.meterRegistry().get("javameet.participants.removed").tag("reason", reason).functionCounter()
                .count();
    }

    private double counter(String name) {
        return server.meterRegistry().get(name).counter().count();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), String.join(" ", command));
        return new String(p.getInputStream().readAllBytes()) + " (exit " + p.exitValue() + ")";
    }

    private boolean bobSeesAda() {
        return Boolean.TRUE.equals(js(bob, "return window.javameet.participants().some(p => p.id === arguments[0])",
                adaId));
    }

    @Test
    void aNetworkBlipOfTenSecondsKeepsTheParticipantAndMediaComesBack() throws Exception {
        int mediaPort = server.mediaAddress().getPort();
        List<Long> bobPorts = mediaPorts(bob);
        assertEquals(2, bobPorts.size(), "Bob's publish and subscribe connections: " + bobPorts);
        InetSocketAddress adaSocket = RoomTestAccess.signalingClientAddress(server, ROOM, adaId);
        assertNotNull(adaSocket);
        String bobSet = bobPorts.stream().map(String::valueOf).collect(Collectors.joining(", ", "{ ", " }"));
        // every packet of Ada's: her media (whatever ports an ICE restart picks: all UDP to or from the media port but
        // Bob's) and her WebSocket
        String rules = "add table inet " + NFT_TABLE + "\n"
                + "add chain inet " + NFT_TABLE + " out { type filter hook output priority 0; policy accept; }\n"
                + "add rule inet " + NFT_TABLE + " out udp dport " + mediaPort + " udp sport != " + bobSet + " drop\n"
                + "add rule inet " + NFT_TABLE + " out udp sport " + mediaPort + " udp dport != " + bobSet + " drop\n"
                + "add rule inet " + NFT_TABLE + " out tcp sport " + adaSocket.getPort() + " drop\n"
                + "add rule inet " + NFT_TABLE + " out tcp dport " + adaSocket.getPort() + " drop\n";
        java.nio.file.Path file = java.nio.file.Files.createTempFile("blip", ".nft");
        java.nio.file.Files.writeString(file, rules);
        double restartsBefore = counter("javameet.media.ice.restarts");
        String out = run("nft", "-f", file.toString());
        assertTrue(out.endsWith("(exit 0)"), out);
        long blipStart = System.nanoTime();
        while (System.nanoTime() - blipStart < Duration.ofSeconds(10).toNanos()) {
            assertTrue(bobSeesAda(), "Bob never sees Ada leave");
            Thread.sleep(250);
        }
        long adaFrames = framesFrom(ada, bobId);
        long bobFrames = framesFrom(bob, adaId);
        out = run("nft", "delete", "table", "inet", NFT_TABLE);
        assertTrue(out.endsWith("(exit 0)"), out);
        long restored = System.nanoTime();
        // Ada's WebSocket was blocked too: what her client sent during the blip (its ICE restart) waits for TCP's
        // retransmission timer, which after 10 s of drops has backed off to seconds. Seven runs took 0.8-2.4 s, one
        // CI run on a busy machine more than 5 s: the bound is the recovery's, not a quiet machine's
        Browsers.await("video decoding again both ways", Duration.ofSeconds(15), () ->
                framesFrom(bob, adaId) > bobFrames + 5 && framesFrom(ada, bobId) > adaFrames + 5);
        long mediaBackMs = (System.nanoTime() - restored) / 1_000_000;
        assertEquals(adaId, js(ada, "return window.javameet.participantId"), "the same participant throughout");
        assertEquals("joined", js(ada, "return window.javameet.state"));
        assertTrue(bobSeesAda());
        assertEquals(0.0, removals("left") + removals("resume_expired") + removals("consent_expired")
                + removals("media_failed") + removals("disconnected"), "nobody was removed");
        Object restarts = js(ada, "return window.javameet.connection.iceRestarts");
        System.out.printf("[e2e] network blip 10 s: video decoding both ways %d ms after the restore; Ada %s kept "
                + "her id; her client restarted ICE %s times, the server completed %.0f restarts%n", mediaBackMs,
                adaId, restarts, counter("javameet.media.ice.restarts") - restartsBefore);
    }

    @Test
    void aKilledWebSocketResumesUnderTheSameId() throws Exception {
        InetSocketAddress socket = RoomTestAccess.signalingClientAddress(server, ROOM, adaId);
        assertNotNull(socket);
        long killed = System.nanoTime();
        String out = run("ss", "-K", "src", "127.0.0.1", "sport", "=", ":" + socket.getPort());
        assertTrue(out.contains(":" + socket.getPort()), "ss killed Ada's socket: " + out);

        // until Ada is back, Bob keeps her tile (polled every 200 ms), and she keeps her id
        Browsers.await("Ada resumed", JOIN, () -> {
            assertTrue(bobSeesAda(), "Bob never sees Ada leave");
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
        assertEquals(1.0, server.meterRegistry().get("javameet.participants.resumed").counter().count());
        assertEquals(2, server.rooms().participantCount(), "nobody was removed, nobody joined anew");
        System.out.printf("[e2e] WebSocket reset -> resumed as %s in %d ms; video decoding throughout%n", adaId,
                resumedMs);
    }

    @Test
    void aStoppedBrowserIsFreedByConsentAndRemovedAfterTheGracePeriod() throws Exception {
        List<ProcessHandle> processes = browsers.processesOf(ada);
        assertFalse(processes.isEmpty(), "Ada's Chromium processes");
        double expiredBefore = counter("javameet.media.consent.expired");
        long stopped = System.nanoTime();
        try {
            for (ProcessHandle p : processes) {
                run("kill", "-STOP", Long.toString(p.pid()));
            }
            Browsers.await("both of Ada's transports freed by consent freshness", Duration.ofSeconds(35),
                    () -> counter("javameet.media.consent.expired") >= expiredBefore + 2);
            long freedMs = (System.nanoTime() - stopped) / 1_000_000;
            awaitJs(bob, "Ada shown reconnecting", Duration.ofSeconds(10), "const p = window.javameet.participants()"
                    + ".find(p => p.id === arguments[0]); return !!p && p.reconnecting", adaId);
            Browsers.await("Ada removed after the grace period", Duration.ofSeconds(45), () -> !bobSeesAda());
            long removedMs = (System.nanoTime() - stopped) / 1_000_000;
            assertEquals(1.0, removals("consent_expired") + removals("resume_expired"), "counted once");
            assertEquals(expiredBefore + 2, counter("javameet.media.consent.expired"),
                    "only Ada's: Bob's transports kept their consent all along");
            // Bob hears participantLeft a moment before the room's count drops
            Browsers.await("one participant left", Duration.ofSeconds(5), () -> server.rooms().participantCount() == 1);
            System.out.printf("[e2e] SIGSTOP: Ada's transports freed by consent after %d ms, Ada removed after %d ms "
                    + "(consent_expired %.0f, resume_expired %.0f)%n", freedMs, removedMs, removals("consent_expired"),
                    removals("resume_expired"));
        } finally {
            for (ProcessHandle p : processes) {
                run("kill", "-CONT", Long.toString(p.pid()));
            }
        }
    }
}
