package org.javameet.signaling.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener's connection caps (issue 15: 5,000 idle WebSockets from one address were all accepted). */
@Timeout(60)
class ConnectionLimitsTest {

    private static final WebSocketSession.Handler NOTHING = new WebSocketSession.Handler() {
        @Override
        public void onText(String text) { }

        @Override
        public void onClose(int statusCode, String reason) { }
    };

    /** True when the server closed the connection (EOF), false when it is still open after a short wait. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(1500);
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void connectionsOverTheTotalAreClosedAtOnceAndCounted() throws Exception {
        HttpMetrics metrics = new HttpMetrics(new SimpleMeterRegistry());
        HttpServer server = new HttpServer(HttpServerOptions.defaults().withBind("127.0.0.1", 0)
                .withConnectionLimits(Duration.ofSeconds(10), 5, 100), HttpRequestRouterTest.FILES,
                session -> NOTHING, () -> "", metrics);
        InetSocketAddress address = server.start();
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket s = new Socket();
                s.connect(address, 5000);
                open.add(s);
            }
            long settle = System.nanoTime() + 10_000_000_000L; // accepted on two event loops: let all five land
            while (server.openConnections() < 5 && System.nanoTime() < settle) {
                Thread.sleep(20);
            }
            Socket over = new Socket();
            over.connect(address, 5000);
            assertEquals(true, closedByServer(over), "the sixth connection is closed");
            over.close();
            assertEquals(1, metrics.refusedCount(HttpMetrics.REFUSED_CONNECTIONS));
            assertEquals(false, closedByServer(open.get(0)), "the others stay open");

            open.remove(0).close(); // a slot is free again
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.openConnections() > 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Socket again = new Socket();
            again.connect(address, 5000);
            open.add(again);
            assertEquals(false, closedByServer(again));
        } finally {
            for (Socket s : open) {
                s.close();
            }
            server.close();
        }
    }

    @Test
    void perAddressCapSparesLoopbackProxies() throws Exception {
        ConnectionLimiter l = new ConnectionLimiter(100, 2);
        InetAddress client = InetAddress.getByName("203.0.113.9");
        InetAddress other = InetAddress.getByName("2001:db8::9");
        assertEquals(ConnectionLimiter.Result.ACCEPTED, l.tryOpen(client));
        assertEquals(ConnectionLimiter.Result.ACCEPTED, l.tryOpen(client));
        assertEquals(ConnectionLimiter.Result.PER_ADDRESS, l.tryOpen(client));
        assertEquals(ConnectionLimiter.Result.ACCEPTED, l.tryOpen(other));
        for (int i = 0; i < 10; i++) { // nginx on the same machine: one address for every client
            assertEquals(ConnectionLimiter.Result.ACCEPTED, l.tryOpen(InetAddress.getLoopbackAddress()));
        }
        l.closed(client);
        assertEquals(ConnectionLimiter.Result.ACCEPTED, l.tryOpen(client));
        assertEquals(13, l.open());
    }
}
