package org.javameet.signaling.integration;

import java.net.URI;
import java.util.List;
import java.util.function.UnaryOperator;
import org.javameet.peer.PeerRuntime;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.FreePorts;

/**
 * A server on free loopback ports and a client runtime for Java participants: the set-up every integration test
 * with in-process participants shares. Closing it closes the runtime, then the server.
 */
final class LoopbackServer implements AutoCloseable {
    final JavameetServer server;
    final PeerRuntime runtime;
    final URI ws;

    private LoopbackServer(JavameetServer server) {
        this.server = server;
        this.runtime = new PeerRuntime(2, 4);
        this.ws = URI.create("ws://127.0.0.1:" + server.httpAddress().getPort() + "/ws");
    }

    /** Starts a server whose loopback config {@code configure} may change (limits, lastN, auth). */
    static LoopbackServer start(UnaryOperator<ServerConfig> configure) throws Exception {
        ServerConfig config = configure.apply(ServerConfig.defaults().withHttpAddress("127.0.0.1")
                .withHttpPort(FreePorts.tcp()).withMediaPort(FreePorts.udp()).withPublicAddresses(List.of("127.0.0.1")));
        return new LoopbackServer(new JavameetServer(config, null).start());
    }

    @Override
    public void close() {
        runtime.close();
        server.close();
    }
}
