package org.javameet.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.javameet.signaling.JavameetServer;

/**
 * A signaling client over a real WebSocket (java.net.http), for tests: it queues every message the server
 * sends and lets a test wait for the next one of a type, or check that none came.
 */
final class WsClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    /** Status of the server's close frame, or 1006 when the connection dropped. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;
    String id;

    private WsClient(URI uri) {
        ws = HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        inbox.add(Messages.JSON.readTree(partial.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException("server sent non-JSON: " + partial, e);
                    }
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(1006);
            }
        }).join();
    }

    /** Connects and reads the welcome. */
    static WsClient connect(JavameetServer server) {
        return connect(server, "");
    }

    /** @param query e.g. "?jwt=…", or "" */
    static WsClient connect(JavameetServer server, String query) {
        WsClient c = new WsClient(URI.create("ws://127.0.0.1:" + server.httpAddress().getPort() + "/ws" + query));
        c.next("welcome");
        return c;
    }

    /** Connects and joins; {@link #id} is the participant id. */
    static WsClient joined(JavameetServer server, String room, String name) {
        WsClient c = connect(server);
        c.send(join(room, name));
        c.id = c.next("joined").path("you").path("id").asText();
        return c;
    }

    static ObjectNode join(String room, String name) {
        ObjectNode n = Messages.message("join");
        n.put("room", room);
        n.put("displayName", name);
        return n;
    }

    static ObjectNode msg(String type, Object... fieldsAndValues) {
        ObjectNode n = Messages.message(type);
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            n.set((String) fieldsAndValues[i], Messages.JSON.valueToTree(fieldsAndValues[i + 1]));
        }
        return n;
    }

    void send(ObjectNode message) {
        ws.sendText(message.toString(), true).join();
    }

    /** The next message of {@code type}; messages of other types before it are dropped. */
    JsonNode next(String type) {
        return next(type, m -> true);
    }

    JsonNode next(String type, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> skipped = new ArrayList<>();
        while (true) {
            JsonNode m;
            try {
                m = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (m == null) {
                fail("no " + type + " within " + WAIT + "; skipped " + skipped);
            }
            if (type.equals(m.path("type").asText()) && matching.test(m)) {
                return m;
            }
            skipped.add(m.toString());
        }
    }

    /** Expects an {@code error} with this code (skipping other messages) and returns it. */
    JsonNode error(String code) {
        JsonNode e = next("error");
        assertEquals(code, e.path("code").asText(), e.toString());
        return e;
    }

    /**
     * Everything the server sent up to now: a ping's pong comes after whatever the server queued for this
     * connection before it handled the ping.
     */
    List<JsonNode> drain() {
        send(msg("ping"));
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            JsonNode m;
            try {
                m = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (m == null) {
                fail("no pong");
            }
            if ("pong".equals(m.path("type").asText())) {
                return out;
            }
            out.add(m);
        }
    }

    int awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Drops the TCP connection without a close frame, as a network failure does (the server sees 1006). */
    void drop() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        ws.abort();
    }
}
