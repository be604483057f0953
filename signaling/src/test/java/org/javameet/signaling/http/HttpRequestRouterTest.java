package org.javameet.signaling.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP routes (static files, rooms, health, metrics) over an EmbeddedChannel, without sockets. */
class HttpRequestRouterTest {

    static final StaticFiles FILES = new StaticFiles(HttpRequestRouterTest.class.getClassLoader(), "testweb/");

    private final EmbeddedChannel channel = new EmbeddedChannel(
            new SecurityHeadersHandler(HttpMetrics.unregistered()),
            new HttpRequestRouter(FILES, () -> "# TYPE up gauge\nup 1\n", HttpMetrics.unregistered(), null));

    @AfterEach
    void finish() {
        assertFalse(channel.finish(), "no message may be left in the channel");
    }

    private Response get(String uri) {
        return request(HttpMethod.GET, uri, null);
    }

    private Response request(HttpMethod method, String uri, String ifNoneMatch) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        req.headers().set(HttpHeaderNames.HOST, "meet.example.com");
        if (ifNoneMatch != null) {
            req.headers().set(HttpHeaderNames.IF_NONE_MATCH, ifNoneMatch);
        }
        channel.writeInbound(req);
        return Response.read(channel);
    }

    @Test
    void rootServesIndexUncached() {
        Response r = get("/");
        assertEquals(200, r.status);
        assertEquals("text/html; charset=utf-8", r.header("content-type"));
        assertEquals("no-cache", r.header("cache-control"));
        assertTrue(r.body.contains("testweb index"));
        assertNotNull(r.header("etag"));
        assertTrue(channel.isOpen(), "HTTP/1.1 keeps the connection open");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/room-1", "/Team.Meeting_2~x", "/room-1?jwt=abc", "/caf%C3%A9"})
    void roomPathServesIndex(String uri) {
        Response r = get(uri);
        if (uri.startsWith("/caf")) { // a valid path but not a room name: é is outside [A-Za-z0-9._~-]
            assertEquals(404, r.status);
            return;
        }
        assertEquals(200, r.status);
        assertTrue(r.body.contains("testweb index"));
        assertEquals("no-cache", r.header("cache-control"));
    }

    /** Issue 13: a returning browser loads the client's scripts from its cache without asking (joins faster). */
    @Test
    void indexNamesVersionedImmutableFilesAndPreloadsEveryModule() {
        String version = FILES.version();
        assertTrue(version.matches("[0-9a-f]{12}"), version);
        String index = get("/").body;
        String prefix = "/v/" + version + "/";
        assertTrue(index.contains("<script type=\"module\" src=\"" + prefix + "app.js\">"), index);
        assertTrue(index.contains("href=\"" + prefix + "css/style.css\""), index);
        assertTrue(index.indexOf("<link rel=\"modulepreload\" href=\"" + prefix + "app.js\">")
                < index.indexOf("<script type=\"module\""), index);

        Response js = get(prefix + "app.js");
        assertEquals(200, js.status);
        assertEquals("export const hello = \"testweb app\";\n", js.body);
        assertEquals("public, max-age=31536000, immutable", js.header("cache-control"));
        assertEquals(get("/app.js").header("etag"), js.header("etag"));
        assertEquals("no-cache", get("/app.js").header("cache-control"), "unversioned paths are revalidated");

        // a page of another version (open across an upgrade) gets today's file, but nothing is cached as immutable
        Response other = get("/v/000000000000/app.js");
        assertEquals(200, other.status);
        assertEquals("no-cache", other.header("cache-control"));
        assertEquals(404, get(prefix + "missing.js").status);
        assertEquals(404, get("/v/" + version + "/.hidden").status);
    }

    @Test
    void roomNameLongerThan64IsNotFound() {
        assertEquals(200, get("/" + "a".repeat(64)).status);
        assertEquals(404, get("/" + "a".repeat(65)).status);
    }

    @Test
    void filesHaveTheirContentTypes() {
        Response js = get("/app.js");
        assertEquals(200, js.status);
        assertEquals("text/javascript; charset=utf-8", js.header("content-type"));
        assertEquals("export const hello = \"testweb app\";\n", js.body);
        assertEquals(String.valueOf(js.body.length()), js.header("content-length"));
        assertEquals("text/css; charset=utf-8", get("/css/style.css").header("content-type"));
        assertEquals("image/svg+xml", get("/images/logo.svg").header("content-type"));
    }

    @Test
    void matchingEtagGives304WithoutBody() {
        String etag = get("/app.js").header("etag");
        assertTrue(etag.matches("\"[0-9a-f]{16}\""), etag);
        Response r = request(HttpMethod.GET, "/app.js", "\"other\", " + etag);
        assertEquals(304, r.status);
        assertEquals("", r.body);
        assertEquals(etag, r.header("etag"));
        assertEquals(200, request(HttpMethod.GET, "/app.js", "\"other\"").status);
        assertEquals(304, request(HttpMethod.GET, "/app.js", "W/" + etag).status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../pom.xml", "/%2e%2e/x", "/a/../../b", "/%2E%2E%2Fpom.xml", "/css/..%2f..%2fpom.xml",
            "/.%2e/x", "/a%5c..%5cb", "/%00", "/%zz", "/%c3", "relative", "/./app.js"})
    void traversalIsRefused(String uri) {
        Response r = get(uri);
        assertEquals(400, r.status, uri);
        assertFalse(r.body.contains("testweb"), uri);
    }

    @Test
    void hiddenFilesAndDirectoriesAreNeverServed() {
        // A single segment that is no file is a room name, so these get the index page, never the file.
        for (String uri : new String[] {"/.hidden", "/images", "/css"}) {
            Response r = get(uri);
            assertEquals(200, r.status, uri);
            assertTrue(r.body.contains("testweb index"), uri);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/css/.hidden", "/css//style.css", "/room/", "/a/b", "/css/nope.css", "//"})
    void unknownOrHiddenPathsAre404Html(String uri) {
        Response r = get(uri);
        assertEquals(404, r.status, uri);
        assertEquals("text/html; charset=utf-8", r.header("content-type"));
        assertTrue(r.body.contains("404"), uri);
    }

    @Test
    void otherMethodsAre405() {
        for (HttpMethod m : new HttpMethod[] {HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS}) {
            Response r = request(m, "/app.js", null);
            assertEquals(405, r.status, m.name());
            assertEquals("GET, HEAD", r.header("allow"));
        }
    }

    @Test
    void headHasHeadersButNoBody() {
        Response get = get("/app.js");
        Response head = request(HttpMethod.HEAD, "/app.js", null);
        assertEquals(200, head.status);
        assertEquals("", head.body);
        assertEquals(get.header("content-length"), head.header("content-length"));
        assertEquals(get.header("etag"), head.header("etag"));
        assertEquals("", request(HttpMethod.HEAD, "/nowhere/x", null).body);
    }

    @Test
    void securityHeadersOnEveryResponse() {
        for (String uri : new String[] {"/", "/app.js", "/a/b", "/../x", "/healthz", "/metrics"}) {
            Response r = get(uri);
            assertEquals("nosniff", r.header("x-content-type-options"), uri);
            assertEquals("no-referrer", r.header("referrer-policy"), uri);
            assertEquals("camera=(self), microphone=(self), display-capture=(self)", r.header("permissions-policy"));
            String csp = r.header("content-security-policy");
            assertTrue(csp.contains("default-src 'self'"), csp);
            assertTrue(csp.contains("connect-src 'self' ws://meet.example.com wss://meet.example.com"), csp);
            assertTrue(csp.contains("media-src 'self' blob:"), csp);
            assertTrue(csp.contains("img-src 'self' data:"), csp);
        }
        assertEquals(405, request(HttpMethod.POST, "/", null).status);
    }

    @Test
    void healthAndMetrics() {
        Response h = get("/healthz");
        assertEquals(200, h.status);
        assertEquals("ok\n", h.body);
        Response m = get("/metrics");
        assertEquals(200, m.status);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", m.header("content-type"));
        assertEquals("# TYPE up gauge\nup 1\n", m.body);
    }

    /** A channel whose TCP peer is {@code peer}, routing with {@code access}. */
    private static EmbeddedChannel from(String peer, MetricsAccess access) {
        return new EmbeddedChannel(new HttpRequestRouter(FILES, () -> "up 1\n", access, HttpMetrics.unregistered(), null)) {
            @Override
            protected java.net.SocketAddress remoteAddress0() {
                return new java.net.InetSocketAddress(peer, 40000);
            }
        };
    }

    private static Response metricsVia(EmbeddedChannel c, String authorization) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/metrics");
        if (authorization != null) {
            req.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
        }
        c.writeInbound(req);
        return Response.read(c);
    }

    /** /metrics was open to anyone who reached the app port (issue 15): now loopback, or a bearer token. */
    @Test
    void metricsOnlyToLoopbackOrWithTheBearerToken() {
        EmbeddedChannel remote = from("203.0.113.5", MetricsAccess.loopbackOnly());
        assertEquals(403, metricsVia(remote, null).status);
        assertEquals(403, metricsVia(remote, "Bearer anything").status, "no token configured: nobody remote");
        assertFalse(remote.finish());
        for (String loopback : new String[] {"127.0.0.1", "::1"}) {
            EmbeddedChannel local = from(loopback, MetricsAccess.loopbackOnly());
            assertEquals("up 1\n", metricsVia(local, null).body);
            assertFalse(local.finish());
        }
        MetricsAccess token = MetricsAccess.loopbackOrBearer("s3cret-metrics-token");
        EmbeddedChannel scraper = from("2001:db8::9", token);
        Response none = metricsVia(scraper, null);
        assertEquals(401, none.status);
        assertEquals("Bearer realm=\"javameet metrics\"", none.header("www-authenticate"));
        assertEquals(401, metricsVia(scraper, "Bearer s3cret-metrics-tokeN").status);
        assertEquals(401, metricsVia(scraper, "Basic s3cret-metrics-token").status);
        Response ok = metricsVia(scraper, "Bearer s3cret-metrics-token");
        assertEquals(200, ok.status);
        assertEquals("up 1\n", ok.body);
        assertEquals(404, get("/metrics/x").status, "only the one path");
        assertFalse(scraper.finish());
        assertFalse(token.toString().contains("s3cret"), token.toString());
    }

    @Test
    void malformedRequestGets400AndClose() {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("invalid version")));
        channel.writeInbound(req);
        Response r = Response.read(channel);
        assertEquals(400, r.status);
        assertEquals("close", r.header("connection"));
        assertFalse(channel.isOpen());
    }

    @Test
    void http10WithoutKeepAliveIsClosed() {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/healthz"));
        Response r = Response.read(channel);
        assertEquals(200, r.status);
        assertFalse(channel.isOpen());
    }

    /** A response copied out of the channel, its buffer released. */
    record Response(int status, io.netty.handler.codec.http.HttpHeaders headers, String body) {
        static Response read(EmbeddedChannel ch) {
            FullHttpResponse res = ch.readOutbound();
            assertNotNull(res, "a response");
            try {
                return new Response(res.status().code(), res.headers().copy(),
                        res.content().toString(StandardCharsets.UTF_8));
            } finally {
                res.release(); // an empty body is the shared EMPTY_BUFFER, whose release() says false
                assertNull(ch.readOutbound(), "exactly one response");
            }
        }

        String header(String name) {
            return headers.get(name);
        }
    }
}
