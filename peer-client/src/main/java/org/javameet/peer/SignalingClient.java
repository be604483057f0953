package org.javameet.peer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The client end of the javameet signaling WebSocket (docs/protocol.md) over {@code java.net.http}.
 *
 * <p>Messages are JSON objects with a string {@code type}. Every received message goes, in arrival order, to
 * the listeners ({@link #onMessage}) and to pending {@link #awaitType awaits}; callbacks run on the HttpClient's
 * executor, one message at a time, and must not block. Sends may come from any thread; they are queued so the
 * JDK WebSocket never sees two outstanding sends. A bounded history of received messages is kept for tests
 * ({@link #history}).
 */
public final class SignalingClient implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final int HISTORY = 512;

    private final CopyOnWriteArrayList<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final List<Await> awaits = new ArrayList<>();          // guarded by this
    private final ArrayDeque<JsonNode> history = new ArrayDeque<>(); // guarded by this
    private final CompletableFuture<JsonNode> welcome = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null); // guarded by this
    private volatile WebSocket socket;

    private record Await(Predicate<JsonNode> match, CompletableFuture<JsonNode> future) {
    }

    private SignalingClient() {
    }

    /** Opens the WebSocket; completes once the server's {@code welcome} arrived. */
    public static CompletableFuture<SignalingClient> connect(HttpClient http, URI uri) {
        return connect(http, uri, java.util.Map.of());
    }

    /**
     * Opens the WebSocket with extra request headers (a test posing as a reverse proxy sends {@code X-Real-IP});
     * completes once the server's {@code welcome} arrived.
     */
    public static CompletableFuture<SignalingClient> connect(HttpClient http, URI uri,
            java.util.Map<String, String> headers) {
        SignalingClient c = new SignalingClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(15));
        headers.forEach(builder::header);
        return builder.buildAsync(uri, c.new Listener())
                .thenCompose(ws -> {
                    c.socket = ws;
                    return c.welcome;
                })
                .thenApply(w -> c);
    }

    /** The {@code welcome} message (server version and client config). */
    public JsonNode welcome() {
        return welcome.getNow(null);
    }

    /** Adds a listener for every message from now on. */
    public void onMessage(Consumer<JsonNode> listener) {
        listeners.add(listener);
    }

    public static ObjectNode message(String type) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type);
        return n;
    }

    /** Sends one JSON message; completes when the JDK handed it to the socket. */
    public CompletableFuture<Void> send(JsonNode message) {
        return sendText(message.toString());
    }

    /** Sends any text frame, well-formed or not (tests send garbage on purpose). */
    public synchronized CompletableFuture<Void> sendText(String text) {
        WebSocket ws = socket;
        CompletableFuture<Void> done = sendChain.handle((r, e) -> null)
                .thenCompose(x -> ws.sendText(text, true))
                .thenApply(x -> (Void) null);
        sendChain = done;
        return done;
    }

    /** Completes with the next message of this type that arrives after the call. */
    public CompletableFuture<JsonNode> awaitType(String type) {
        return awaitMessage(m -> type.equals(m.path("type").asText()));
    }

    /** Completes with the next message matching {@code match} that arrives after the call. */
    public CompletableFuture<JsonNode> awaitMessage(Predicate<JsonNode> match) {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        synchronized (this) {
            if (closed.isDone()) {
                f.completeExceptionally(new IllegalStateException("signaling closed"));
                return f;
            }
            awaits.add(new Await(match, f));
        }
        return f;
    }

    /** Like {@link #awaitMessage} but also matches the history first (a message that already arrived). */
    public CompletableFuture<JsonNode> findOrAwait(Predicate<JsonNode> match) {
        synchronized (this) {
            for (JsonNode m : history) {
                if (match.test(m)) {
                    return CompletableFuture.completedFuture(m);
                }
            }
            return awaitMessage(match);
        }
    }

    /** Sends {@code message} and completes with the next message of {@code replyType}, or fails on an error reply. */
    public CompletableFuture<JsonNode> request(ObjectNode message, String replyType) {
        CompletableFuture<JsonNode> reply = awaitMessage(m -> {
            String t = m.path("type").asText();
            return t.equals(replyType) || t.equals("error") && message.path("type").asText().equals(m.path("requestType").asText());
        }).thenApply(m -> {
            if (m.path("type").asText().equals("error") && !replyType.equals("error")) {
                throw new SignalingError(m.path("code").asText(), m.path("message").asText());
            }
            return m;
        });
        send(message);
        return reply;
    }

    /** The last received messages (at most 512), oldest first. */
    public synchronized List<JsonNode> history() {
        return List.copyOf(history);
    }

    public boolean isOpen() {
        WebSocket ws = socket;
        return ws != null && !ws.isOutputClosed() && !closed.isDone();
    }

    /** Completes with the close status when the server closes the socket (or it breaks: 1006). */
    public CompletableFuture<Integer> closedFuture() {
        return closed;
    }

    /** Sends a normal close; does not wait. */
    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            synchronized (this) {
                sendChain = sendChain.handle((r, e) -> null).thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
            }
            sendChain.orTimeout(2, TimeUnit.SECONDS).whenComplete((r, e) -> ws.abort());
        }
    }

    private void deliver(String text) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return; // the server only sends JSON; a broken frame is not ours to act on
        }
        if (msg == null || !msg.isObject()) {
            return;
        }
        if ("welcome".equals(msg.path("type").asText())) {
            welcome.complete(msg);
        }
        List<CompletableFuture<JsonNode>> fire = new ArrayList<>();
        synchronized (this) {
            history.addLast(msg);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
            for (Iterator<Await> it = awaits.iterator(); it.hasNext(); ) {
                Await a = it.next();
                if (a.future().isDone()) {
                    it.remove();
                } else if (a.match().test(msg)) {
                    fire.add(a.future());
                    it.remove();
                }
            }
        }
        for (Consumer<JsonNode> l : listeners) {
            try {
                l.accept(msg);
            } catch (RuntimeException e) {
                // a listener's bug must not stop delivery to the others
                java.util.logging.Logger.getLogger(SignalingClient.class.getName())
                        .log(java.util.logging.Level.WARNING, "signaling listener failed", e);
            }
        }
        for (CompletableFuture<JsonNode> f : fire) {
            f.complete(msg);
        }
    }

    private void onClosed(int status) {
        List<Await> pending;
        synchronized (this) {
            pending = List.copyOf(awaits);
            awaits.clear();
        }
        closed.complete(status);
        IllegalStateException e = new IllegalStateException("signaling closed (" + status + ")");
        welcome.completeExceptionally(e);
        for (Await a : pending) {
            a.future().completeExceptionally(e);
        }
    }

    /** An {@code error} reply to a request. */
    public static final class SignalingError extends RuntimeException {
        private final String code;

        public SignalingError(String code, String message) {
            super(code + ": " + message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                deliver(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onClosed(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            onClosed(1006);
        }
    }
}
