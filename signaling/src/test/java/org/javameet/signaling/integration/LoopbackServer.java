package org.javameet.signaling.integration;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;
import org.javameet.signaling.testing.LoopbackConfig;

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

    /** Starts a server on the loopback config. */
    static LoopbackServer start() throws Exception {
        return start(config -> { });
    }

    /** Starts a server whose loopback config {@code configure} may change (limits, lastN, auth). */
    static LoopbackServer start(Consumer<ServerConfig.Builder> configure) throws Exception {
        ServerConfig.Builder config = LoopbackConfig.builder();
        configure.accept(config);
        return new LoopbackServer(new JavameetServer(config.build(), null).start());
    }

    /** A Java participant with audio and video, joined on this server and runtime. */
    Participant join(String room, String name) throws Exception {
        return join(room, name, Participant.Options.defaults());
    }

    /** A Java participant with {@code options}, joined on this server and runtime; generous for a busy host. */
    Participant join(String room, String name, Participant.Options options) throws Exception {
        return Participant.join(ws, room, name, options.withRuntime(runtime)).get(60, TimeUnit.SECONDS);
    }

    /** A reader of this server's {@code /metrics}. */
    ServerMetrics metrics() {
        return new ServerMetrics(server.httpAddress().getPort());
    }

    @Override
    public void close() {
        runtime.close();
        server.close();
    }
}
