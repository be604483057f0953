package org.javameet.signaling.integration;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerRuntime;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.signaling.JavameetServer;
import org.javameet.signaling.config.ServerConfig;

/**
 * A running server with a two-party meeting of Java participants (Ada and Bob, audio and video), for tests
 * that throw bad input or attacks at the server and then check the meeting still goes on.
 */
final class TwoPartyMeeting implements AutoCloseable {
    final long startNanos = System.nanoTime();
    final JavameetServer server;
    final PeerRuntime runtime;
    final ServerMetrics metrics;
    final URI ws;
    private final LoopbackServer loopback;
    final Participant ada;
    final Participant bob;
    private final String testName;
    private final Duration wait;

    private TwoPartyMeeting(String testName, String room, Duration wait, Consumer<ServerConfig.Builder> configure)
            throws Exception {
        this.testName = testName;
        this.wait = wait;
        loopback = LoopbackServer.start(configure);
        server = loopback.server;
        runtime = loopback.runtime;
        ws = loopback.ws;
        metrics = loopback.metrics();
        ada = loopback.join(room, "Ada");
        bob = loopback.join(room, "Bob");
    }

    /** Starts the server, joins Ada and Bob to {@code room} and waits until they receive each other. */
    static TwoPartyMeeting start(String testName, String room, Duration wait) throws Exception {
        return start(testName, room, wait, config -> { });
    }

    /** As above, on a server whose config {@code configure} changed (limits, auth). */
    static TwoPartyMeeting start(String testName, String room, Duration wait, Consumer<ServerConfig.Builder> configure)
            throws Exception {
        TwoPartyMeeting m = new TwoPartyMeeting(testName, room, wait, configure);
        m.assertGoesOn();
        return m;
    }

    /** Both receive fresh audio and video from each other. */
    void assertGoesOn() {
        for (Participant[] pair : new Participant[][] {{ada, bob}, {bob, ada}}) {
            Participant to = pair[0];
            Participant from = pair[1];
            for (MediaKind k : MediaKind.values()) {
                var t = to.stats().received(from.id(), k);
                long before = t == null ? 0 : t.packets();
                Eventually.await(to.displayName() + " keeps receiving " + from.displayName() + "'s " + k, wait,
                        () -> {
                            var now = to.stats().received(from.id(), k);
                            return now != null && now.packets() >= before + 5;
                        });
            }
        }
    }

    @Override
    public void close() {
        ada.close();
        bob.close();
        loopback.close();
        HostLoad.print(testName, startNanos);
    }
}
