package org.javameet.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.http.WebSocketSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Jazzer fuzzing of the WebSocket protocol (docs/protocol.md): each input is a conversation, one message per line,
 * on one connection to a real server's rooms (its media server on loopback). Whatever arrives, every reply is JSON,
 * no reply is an {@code internal} error (bad input gets a named one), and once the connection closes it holds no
 * participant. CI runs the committed corpus (SignalingFuzzTestInputs/) as regression tests.
 */
class SignalingFuzzTest {
    private static JavameetServer server;
    private static SignalingMetrics metrics;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.loopback());
        metrics = new SignalingMetrics(new SimpleMeterRegistry(), server.rooms());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A WebSocket that records what the server sends. */
    private static final class RecordingSession implements WebSocketSession {
        final List<String> sent = new ArrayList<>();
        boolean open = true;

        @Override
        public String id() {
            return "fuzz";
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("203.0.113.9", 40000);
        }

        @Override
        public Map<String, String> queryParameters() {
            return Map.of();
        }

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void close(int statusCode, String reason) {
            open = false;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public boolean closedByClient() {
            return true; // each input ends as a page that leaves (close 1000 from the client): no resume grace
        }

        @Override
        public void schedule(Runnable task, Duration delay) {
            // token expiry: not within a fuzz input's lifetime
        }
    }

    @FuzzTest(maxDuration = "10m")
    void conversation(byte[] data) throws Exception {
        RecordingSession session = new RecordingSession();
        SignalingConnection connection = new SignalingConnection(session, server.rooms(),
                Messages.message("welcome").toString(), metrics);
        try {
            for (String line : new String(data, StandardCharsets.UTF_8).split("\n", 20)) {
                if (session.open) {
                    connection.onText(line);
                }
            }
        } finally {
            connection.onClose(1000, "done");
        }
        for (String text : session.sent) {
            JsonNode reply = Messages.JSON.readTree(text);
            assertNotEquals("internal", reply.path("code").asText(), "an unnamed failure: " + text);
        }
        assertEquals(0, server.rooms().participantCount(), "a closed connection left a participant behind");
    }
}
