package org.javameet.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.LoopbackConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start's two halves (media on the calling thread, web files and HTTP on a start-up thread; JavameetServer.start):
 * a broken config still stops the start before anything is bound, and a port that cannot be bound on either half
 * fails the start with its own message and leaves no port of the other half open.
 */
class StartTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aBrokenConfigFileStopsTheStartWithItsMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("javameet.json");
        Files.writeString(file, "{\"httpPort\": 8080,\n \"httpPort\": 8081}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--config", file.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals("javameet: config " + file + ": duplicate key \"httpPort\" at line 2, column 12\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anHttpPortInUseFailsTheStartAndFreesTheMediaPorts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            ServerConfig config = LoopbackConfig.builder().httpPort(taken.getLocalPort()).build();
            JavameetServer server = new JavameetServer(config, null);
            Exception e = assertThrows(Exception.class, server::start);
            server.close();
            assertTrue(e.getMessage().contains("cannot listen on") && e.getMessage().contains(
                    String.valueOf(taken.getLocalPort())), e.getMessage());
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, config.mediaPort()));
                    ServerSocket tcp = new ServerSocket(config.effectiveMediaTcpPort(), 1, LOOPBACK)) {
                assertEquals(config.mediaPort(), udp.getLocalPort(), "the media UDP port is free again");
            }
        }
    }

    @Test
    void aMediaPortInUseFailsTheStartAndFreesTheHttpPort() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            ServerConfig config = LoopbackConfig.builder().mediaPort(taken.getLocalPort()).build();
            JavameetServer server = new JavameetServer(config, null);
            Exception e = assertThrows(Exception.class, server::start);
            server.close();
            assertTrue(e.getMessage().contains(":" + taken.getLocalPort() + " (media port)"), e.getMessage());
            try (ServerSocket http = new ServerSocket(config.httpPort(), 1, LOOPBACK)) {
                assertEquals(config.httpPort(), http.getLocalPort(), "the HTTP port is free again");
            }
        }
    }

    @Test
    void aStartedServerServesTheVersionedPage() throws Exception {
        try (JavameetServer server = new JavameetServer(LoopbackConfig.builder().build(), null).start()) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("modulepreload"), "the versioned index page");
        }
    }
}
