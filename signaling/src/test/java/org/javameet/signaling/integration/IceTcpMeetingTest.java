package org.javameet.signaling.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.javameet.peer.Participant;
import org.javameet.peer.PeerConnection;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.SignalingClient;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.signaling.JavameetServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * ICE-TCP without a browser: Java participants whose connections go over TCP to the server's passive candidate
 * (RFC 6544, RFC 4571 framing) meet one who uses UDP. Media flows every way, operators see who connects how
 * ({@code participantUpdated.connection} and {@code /metrics}), and the TCP port is the UDP port's number. A client's
 * {@code mediaPath} report of a TURN relay shows as relay-tls on its UDP path and changes nothing on a TCP one; an
 * unknown value is refused by name and counted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IceTcpMeetingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void participantsOverTcpMeetOneOverUdpAndMediaFlowsEveryWay() throws Exception {
        long start = System.nanoTime();
        try (LoopbackServer loopback = LoopbackServer.start()) {
            JavameetServer server = loopback.server;
            PeerRuntime runtime = loopback.runtime;
            URI ws = loopback.ws;
            ServerMetrics metrics = loopback.metrics();
            int tcpPort = server.media().tcpAddress().getPort();
            assertEquals(server.mediaAddress().getPort(), tcpPort, "ICE-TCP takes the UDP port's number by default");

            // an observer (no media) who hears every participantUpdated
            SignalingClient observer = SignalingClient.connect(runtime.httpClient(), ws).get(20, TimeUnit.SECONDS);
            ObjectNode join = SignalingClient.message("join");
            join.put("room", "ice-tcp");
            join.put("displayName", "Observer");
            observer.request(join, "joined").get(20, TimeUnit.SECONDS);

            Participant.Options udp = Participant.Options.defaults().withTimeout(WAIT);
            Participant.Options tcp = udp.withIceTcp(true);
            Participant ada = loopback.join("ice-tcp", "Ada", tcp);
            Participant bob = loopback.join("ice-tcp", "Bob", tcp);
            Participant cleo = loopback.join("ice-tcp", "Cleo", udp);
            try {
                Participant[] all = {ada, bob, cleo};
                for (Participant to : all) {
                    for (Participant from : all) {
                        if (to == from) {
                            continue;
                        }
                        for (MediaKind k : MediaKind.values()) {
                            Eventually.await(to.displayName() + " receives " + from.displayName() + "'s " + k, WAIT,
                                    () -> {
                                        var t = to.stats().received(from.id(), k);
                                        return t != null && t.packets() >= 30;
                                    }, () -> String.valueOf(to.stats()));
                        }
                    }
                }
                for (Participant p : new Participant[] {ada, bob}) {
                    for (PeerConnection pc : new PeerConnection[] {p.publishConnection(), p.subscribeConnection()}) {
                        PeerConnection.Stats s = pc.stats();
                        assertEquals(new InetSocketAddress("127.0.0.1", tcpPort), s.remoteAddress(), pc.name());
                        assertEquals(PeerConnection.State.CONNECTED, s.state(), pc.name());
                    }
                }
                assertEquals(new InetSocketAddress("127.0.0.1", server.mediaAddress().getPort()),
                        cleo.publishConnection().stats().remoteAddress());

                for (Participant p : all) {
                    String expected = p == cleo ? "udp" : "tcp";
                    observer.findOrAwait(m -> m.path("type").asText().equals("participantUpdated")
                                    && m.path("participant").path("id").asText().equals(p.id())
                                    && m.path("participant").path("connection").asText().equals(expected))
                            .get(20, TimeUnit.SECONDS);
                }
                Eventually.await("/metrics counts 4 TCP and 2 UDP transports", WAIT, () -> {
                    String page = metrics.scrape();
                    return ServerMetrics.value(page, "javameet_media_transports", "type", "tcp") == 4
                            && ServerMetrics.value(page, "javameet_media_transports", "type", "udp") == 2
                            && ServerMetrics.value(page, "javameet_media_tcp_connections_open", null, null) == 4;
                }, metrics::scrape);
                JsonNode joined = lateJoiner(runtime, ws);
                for (JsonNode p : joined.path("participants")) {
                    if (p.path("displayName").asText().equals("Ada")) {
                        assertEquals("tcp", p.path("connection").asText(), "a late joiner sees it too: " + p);
                    }
                }
                Eventually.await("/metrics counts participants by connection: 2 tcp, 1 udp", WAIT, () -> {
                    String page = metrics.scrape();
                    return participantsBy(page, "tcp") == 2 && participantsBy(page, "udp") == 1;
                }, metrics::scrape);

                // Only the client knows it is relayed: Cleo says both her connections go through TURN over TLS
                for (String which : new String[] {"publish", "subscribe"}) {
                    cleo.signaling().send(mediaPath(which, "relay", "udp", "tls"));
                }
                observer.findOrAwait(m -> m.path("type").asText().equals("participantUpdated")
                                && m.path("participant").path("id").asText().equals(cleo.id())
                                && m.path("participant").path("connection").asText().equals("relay-tls"))
                        .get(20, TimeUnit.SECONDS);
                // the server's view wins: Ada's media arrives on ICE-TCP whatever her client claims
                ada.signaling().send(mediaPath("publish", "relay", "udp", "udp"));
                // a value no browser reports is refused by name and counted, and changes nothing
                ObjectNode bogus = mediaPath("subscribe", "teleport", "udp", null);
                bogus.put("id", "bogus-path");
                var reply = cleo.signaling().awaitMessage(m -> m.path("id").asText().equals("bogus-path"));
                cleo.signaling().send(bogus);
                JsonNode error = reply.get(20, TimeUnit.SECONDS);
                assertEquals("bad-media-path", error.path("code").asText(), String.valueOf(error));
                Eventually.await("/metrics: relay-tls 1, tcp 2, udp 0, the refusal counted", WAIT, () -> {
                    String page = metrics.scrape();
                    return participantsBy(page, "relay-tls") == 1 && participantsBy(page, "tcp") == 2
                            && participantsBy(page, "udp") == 0 && ServerMetrics.value(page,
                            "javameet_signaling_errors_total", "code", "bad-media-path") == 1;
                }, metrics::scrape);
                JsonNode later = lateJoiner(runtime, ws);
                for (JsonNode p : later.path("participants")) {
                    String name = p.path("displayName").asText();
                    if (name.equals("Ada") || name.equals("Cleo")) {
                        assertEquals(name.equals("Ada") ? "tcp" : "relay-tls", p.path("connection").asText(), p.toString());
                    }
                }
                for (MediaKind k : MediaKind.values()) {
                    long before = ada.stats().received(cleo.id(), k).packets();
                    Eventually.await("Ada still receives Cleo's " + k, WAIT,
                            () -> ada.stats().received(cleo.id(), k).packets() > before + 10, () -> String.valueOf(ada.stats()));
                }
            } finally {
                ada.close();
                bob.close();
                cleo.close();
                HostLoad.print("IceTcpMeetingTest", start);
            }
        }
    }

    private static double participantsBy(String page, String type) {
        return ServerMetrics.value(page, "javameet_participants_by_connection", "type", type);
    }

    /** A {@code mediaPath} report, as the web client sends from getStats. */
    private static ObjectNode mediaPath(String connection, String candidateType, String protocol, String relayProtocol) {
        ObjectNode m = SignalingClient.message("mediaPath");
        m.put("connection", connection);
        m.put("candidateType", candidateType);
        m.put("protocol", protocol);
        if (relayProtocol != null) {
            m.put("relayProtocol", relayProtocol);
        }
        return m;
    }

    private static JsonNode lateJoiner(PeerRuntime runtime, URI ws) throws Exception {
        SignalingClient c = SignalingClient.connect(runtime.httpClient(), ws).get(20, TimeUnit.SECONDS);
        ObjectNode join = SignalingClient.message("join");
        join.put("room", "ice-tcp");
        join.put("displayName", "Late");
        return c.request(join, "joined").get(20, TimeUnit.SECONDS);
    }
}
