package org.javameet.signaling.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The HTTP and WebSocket front's meters, registered in one place. */
public final class HttpMetrics {

    private final Counter[] responsesByClass = new Counter[6]; // index = status / 100; 0 unused
    private final Counter malformedRequests;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter droppedMessages;
    private final Counter handlerErrors;
    private final MeterRegistry registry;

    /** {@code javameet_http_refused_total{reason}}: connections or requests refused by a limit. */
    static final String REFUSED_PIPELINING = "pipelining";
    static final String REFUSED_ORIGIN = "origin";
    static final String REFUSED_REQUEST_TIMEOUT = "request_timeout";
    static final String REFUSED_CONNECTIONS = "connections";
    static final String REFUSED_CONNECTIONS_PER_ADDRESS = "connections_per_address";
    /** {@code /metrics} from a non-loopback peer without the bearer token. */
    static final String REFUSED_METRICS = "metrics";
    /** A chat or presence message not sent to a client that is not reading (it keeps its connection). */
    static final String REFUSED_SLOW_READER = "slow_reader";

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (int c = 1; c <= 5; c++) {
            responsesByClass[c] = Counter.builder("javameet.http.responses")
                    .description("HTTP responses sent, by status class (101 upgrades included)")
                    .tag("status", c + "xx")
                    .register(registry);
        }
        responsesByClass[0] = responsesByClass[5];
        malformedRequests = Counter.builder("javameet.http.malformed.requests")
                .description("HTTP requests that could not be parsed, answered with 400 and a close")
                .register(registry);
        Gauge.builder("javameet.websocket.sessions", openSessions, AtomicInteger::get)
                .description("WebSocket sessions currently open")
                .register(registry);
        framesIn = Counter.builder("javameet.websocket.frames")
                .description("WebSocket text messages, by direction")
                .tag("direction", "in")
                .register(registry);
        framesOut = Counter.builder("javameet.websocket.frames")
                .description("WebSocket text messages, by direction")
                .tag("direction", "out")
                .register(registry);
        droppedMessages = Counter.builder("javameet.websocket.dropped.messages")
                .description("Outbound WebSocket messages dropped: session closed or client too slow")
                .register(registry);
        handlerErrors = Counter.builder("javameet.websocket.handler.errors")
                .description("Exceptions thrown by WebSocket session handlers (server bugs)")
                .register(registry);
    }

    /** Meters that go nowhere, for tests and tools. */
    public static HttpMetrics unregistered() {
        return new HttpMetrics(new SimpleMeterRegistry());
    }

    void response(int status) {
        int c = status / 100;
        responsesByClass[c >= 1 && c <= 5 ? c : 0].increment();
    }

    void malformedRequest() {
        malformedRequests.increment();
    }

    void sessionOpened() {
        openSessions.incrementAndGet();
    }

    void sessionClosed() {
        openSessions.decrementAndGet();
    }

    int openSessions() {
        return openSessions.get();
    }

    void frameIn() {
        framesIn.increment();
    }

    void frameOut() {
        framesOut.increment();
    }

    void droppedMessage() {
        droppedMessages.increment();
    }

    double droppedMessages() {
        return droppedMessages.count();
    }

    void refused(String reason) {
        Counter.builder("javameet.http.refused")
                .description("HTTP and WebSocket connections or requests refused by a limit, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    double refusedCount(String reason) {
        Counter c = registry.find("javameet.http.refused").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    void handlerError() {
        handlerErrors.increment();
    }
}
