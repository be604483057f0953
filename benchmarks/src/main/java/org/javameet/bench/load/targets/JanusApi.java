package org.javameet.bench.load.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Janus session over its WebSocket API (subprotocol {@code janus-protocol}): create, attach, plugin
 * messages with an optional JSEP, trickle, keepalive every 25 s (sessions time out after 60 s).
 *
 * <p>A request's future completes with Janus's {@code success} (synchronous plugin requests, session and
 * handle creation) or with the plugin's {@code event} for the same transaction (asynchronous requests, after
 * Janus's {@code ack}); {@code error}, or a plugin event carrying {@code error_code}, fails it.
 */
final class JanusApi implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String VIDEOROOM = "janus.plugin.videoroom";

    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong tx = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null); // guarded by this
    private volatile WebSocket ws;
    private volatile long sessionId;
    private volatile ScheduledFuture<?> keepalive;

    static CompletableFuture<JanusApi> connect(HttpClient http, URI uri, ScheduledExecutorService timer) {
        JanusApi api = new JanusApi();
        return http.newWebSocketBuilder().subprotocols("janus-protocol").connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, api.new Listener())
                .thenCompose(ws -> {
                    api.ws = ws;
                    return api.request(message("create"));
                })
                .thenApply(created -> {
                    api.sessionId = created.path("data").path("id").asLong();
                    api.keepalive = timer.scheduleAtFixedRate(() -> api.send(api.session("keepalive")), 25, 25,
                            TimeUnit.SECONDS);
                    return api;
                });
    }

    static ObjectNode message(String janus) {
        ObjectNode n = JSON.createObjectNode();
        n.put("janus", janus);
        return n;
    }

    private ObjectNode session(String janus) {
        ObjectNode n = message(janus);
        n.put("session_id", sessionId);
        n.put("transaction", "t" + tx.incrementAndGet());
        return n;
    }

    /** Attaches the VideoRoom plugin; completes with the handle id. */
    CompletableFuture<Long> attach() {
        ObjectNode n = session("attach");
        n.put("plugin", VIDEOROOM);
        return request(n).thenApply(r -> r.path("data").path("id").asLong());
    }

    /** A plugin message; completes with the whole reply ({@code plugindata.data}, maybe {@code jsep}). */
    CompletableFuture<JsonNode> message(long handle, ObjectNode body, JsonNode jsep) {
        ObjectNode n = session("message");
        n.put("handle_id", handle);
        n.set("body", body);
        if (jsep != null) {
            n.set("jsep", jsep);
        }
        return request(n);
    }

    /** Tells Janus no more candidates are coming (ours are in the SDP). */
    void trickleCompleted(long handle) {
        ObjectNode n = session("trickle");
        n.put("handle_id", handle);
        n.putObject("candidate").put("completed", true);
        send(n);
    }

    static ObjectNode jsep(String type, String sdp) {
        ObjectNode j = JSON.createObjectNode();
        j.put("type", type);
        j.put("sdp", sdp);
        return j;
    }

    private CompletableFuture<JsonNode> request(ObjectNode n) {
        String t = "t" + tx.incrementAndGet();
        n.put("transaction", t);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(t, f);
        send(n).exceptionally(e -> {
            f.completeExceptionally(e);
            return null;
        });
        return f.orTimeout(20, TimeUnit.SECONDS).whenComplete((r, e) -> pending.remove(t));
    }

    private synchronized CompletableFuture<?> send(ObjectNode n) {
        String text = n.toString();
        CompletableFuture<?> next = sendChain.handle((x, e) -> null).thenCompose(x -> {
            WebSocket w = ws;
            return w == null ? CompletableFuture.failedFuture(new IOException("not connected"))
                    : w.sendText(text, true);
        });
        sendChain = next;
        return next;
    }

    private void onMessage(JsonNode m) {
        String t = m.path("transaction").asText(null);
        String kind = m.path("janus").asText();
        CompletableFuture<JsonNode> f = t == null ? null : pending.get(t);
        if (f == null) {
            return; // webrtcup, media, slowlink, hangup...: not needed for measuring
        }
        switch (kind) {
            case "ack" -> {
                // an asynchronous request: the event follows
            }
            case "success" -> f.complete(m);
            case "error" -> f.completeExceptionally(new IOException("janus error: " + m.path("error")));
            case "event" -> {
                JsonNode data = m.path("plugindata").path("data");
                if (data.has("error_code")) {
                    f.completeExceptionally(new IOException("videoroom error " + data.path("error_code") + ": "
                            + data.path("error").asText()));
                } else {
                    f.complete(m);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> k = keepalive;
        if (k != null) {
            k.cancel(false);
        }
        WebSocket w = ws;
        if (w != null) {
            send(session("destroy")).handle((x, e) -> w.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    onMessage(JSON.readTree(text));
                } catch (IOException e) {
                    // not JSON: ignore
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            for (CompletableFuture<JsonNode> f : pending.values()) {
                f.completeExceptionally(error);
            }
        }
    }
}
