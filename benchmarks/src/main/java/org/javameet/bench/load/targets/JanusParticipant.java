package org.javameet.bench.load.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.peer.ClientSdp;
import org.javameet.peer.MediaReceiver;
import org.javameet.peer.PeerConnection;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.RtpTransport;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * A participant of a Janus VideoRoom: a publisher handle (join as publisher, {@code publish} with our offer,
 * apply Janus's answer) when it publishes, and one subscriber handle for every other publisher's feed (join as
 * subscriber with Janus 1.x {@code streams}, answer Janus's offer, {@code start}). Media goes through
 * peer-client {@link PeerConnection}s and peer-client's media engine ({@link EngineMedia}), so packets are
 * shaped as for javameet; no RTX is offered, so NACKs are answered on the media SSRC. Towards Janus we are a
 * full ICE agent (Janus checks us too) and the DTLS role follows the SDP.
 */
final class JanusParticipant implements LoadParticipant {
    private final PeerRuntime runtime;
    private final HttpClient http;
    private final URI ws;
    private final ScheduledExecutorService timer;
    private final Seat seat;
    private final long room;
    private final String name;
    private final boolean publisher;
    /**
     * Janus forwards each publisher's payload types (ours) to subscribers, and its subscriber offers need not
     * be trusted for SSRCs: the receiver learns each stream from its first packet.
     */
    private static final Map<Integer, MediaKind> LEARN =
            Map.of(ClientSdp.OPUS_PT, MediaKind.AUDIO, ClientSdp.VP8_PT, MediaKind.VIDEO);

    private final EngineMedia peer;
    private final double lossPercent;
    private volatile JanusApi api;
    private volatile PeerConnection pub;
    private volatile PeerConnection sub;
    volatile long feedId;

    /** @param seat its room is the VideoRoom's numeric id */
    JanusParticipant(PeerRuntime runtime, HttpClient http, URI ws, ScheduledExecutorService timer, Seat seat,
                     LoadOptions options) {
        this.runtime = runtime;
        this.http = http;
        this.ws = ws;
        this.timer = timer;
        this.seat = seat;
        this.room = Long.parseLong(seat.room());
        this.name = seat.name();
        this.publisher = seat.publisher();
        this.peer = new EngineMedia(runtime, options, publisher, false, new MediaReceiver.Options(true, LEARN));
        this.lossPercent = options.lossPercent();
    }

    @Override
    public Seat seat() {
        return seat;
    }

    @Override
    public CompletableFuture<?> join() {
        peer.joinStartNanos = System.nanoTime();
        CompletableFuture<JanusApi> session = JanusApi.connect(http, ws, timer).thenApply(a -> api = a);
        if (!publisher) {
            return session;
        }
        long[] handle = new long[1];
        return session.thenCompose(JanusApi::attach)
                .thenCompose(h -> {
                    handle[0] = h;
                    ObjectNode body = JanusApi.JSON.createObjectNode();
                    body.put("request", "join").put("ptype", "publisher").put("room", room).put("display", name);
                    return api.message(h, body, null);
                })
                .thenCompose(joined -> {
                    feedId = joined.path("plugindata").path("data").path("id").asLong();
                    return open("publish", peer.sender());
                })
                .thenCompose(t -> {
                    pub = t;
                    String offer = JanusSdp.publishOffer(local(t), name, peer.sender().audioSsrc(),
                            peer.sender().videoSsrc());
                    ObjectNode body = JanusApi.JSON.createObjectNode();
                    body.put("request", "publish").put("audio", true).put("video", true);
                    return api.message(handle[0], body, JanusApi.jsep("offer", offer));
                })
                .thenCompose(answer -> {
                    connect(pub, answer.path("jsep").path("sdp").asText());
                    api.trickleCompleted(handle[0]);
                    return pub.connected();
                })
                .thenRun(() -> peer.startPublishing(pub));
    }

    /** Subscribes to these feeds on one connection (nothing to do for none). */
    CompletableFuture<?> subscribe(List<Long> feeds) {
        peer.joinStartNanos = System.nanoTime();
        if (feeds.isEmpty() || api == null) {
            return CompletableFuture.completedFuture(null);
        }
        long[] handle = new long[1];
        JsonNode[] offer = new JsonNode[1];
        return api.attach()
                .thenCompose(h -> {
                    handle[0] = h;
                    ObjectNode body = JanusApi.JSON.createObjectNode();
                    body.put("request", "join").put("ptype", "subscriber").put("room", room);
                    ArrayNode streams = body.putArray("streams");
                    for (long f : feeds) {
                        streams.addObject().put("feed", f);
                    }
                    return api.message(h, body, null);
                })
                .thenCompose(attached -> {
                    offer[0] = attached.path("jsep");
                    return open("subscribe", peer.receiver());
                })
                .thenCompose(t -> {
                    sub = t;
                    SessionDescription sd = parse(offer[0].path("sdp").asText());
                    Map<Integer, MediaKind> offered = JanusSdp.payloadKinds(sd);
                    if (!offered.entrySet().containsAll(LEARN.entrySet())) {
                        throw new CompletionException(new IllegalStateException("Janus offered payload types "
                                + offered + ", the receiver learns " + LEARN));
                    }
                    peer.receiveOn(t);
                    String answer = JanusSdp.subscribeAnswer(sd, local(t));
                    ObjectNode body = JanusApi.JSON.createObjectNode();
                    body.put("request", "start");
                    return api.message(handle[0], body, JanusApi.jsep("answer", answer));
                })
                .thenCompose(started -> {
                    connect(sub, offer[0].path("sdp").asText());
                    api.trickleCompleted(handle[0]);
                    return sub.connected();
                });
    }

    /**
     * A connection on the wildcard address: libnice never gathers loopback candidates, so Janus's are this
     * host's own addresses and its packets come from them. The DTLS role is fixed once Janus's SDP is known
     * ({@link #connect}), so both roles' options are the same here but for that.
     */
    private CompletableFuture<PeerConnection> open(String what, RtpTransport.Handler handler) {
        return PeerConnection.open(runtime, peer.loop(), wildcard(), name() + "/" + what, handler, JANUS_DTLS_CLIENT)
                .thenApply(pc -> {
                    pc.setLossPercent(lossPercent);
                    return pc;
                });
    }

    private static final PeerConnection.Options JANUS_DTLS_CLIENT = PeerConnection.Options.defaults()
            .withIce(PeerConnection.IceRole.FULL).withDtlsTimeouts(20_000, 250);

    private static JanusSdp.Local local(PeerConnection pc) {
        ClientSdp.LocalIdentity id = pc.identity();
        return new JanusSdp.Local(id.iceUfrag(), id.icePwd(), id.fingerprint(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), pc.localAddress().getPort()));
    }

    /**
     * ICE towards the candidate in Janus's SDP; our DTLS role is the opposite of the setup Janus took: Janus
     * answering our offer "active" is the DTLS client; offering "actpass" we answer "active" and are the client.
     */
    private void connect(PeerConnection pc, String remoteSdp) {
        SessionDescription sd = parse(remoteSdp);
        ClientSdp.RemoteTransport r;
        try {
            r = ClientSdp.remoteTransport(sd);
        } catch (SdpException e) {
            throw new CompletionException(e);
        }
        if (!isLocal(r.candidate().getAddress())) {
            throw new CompletionException(new IllegalStateException("refusing to send to " + r.candidate()
                    + ": not an address of this machine"));
        }
        String setup = sd.media().isEmpty() ? null : sd.attribute(sd.media().get(0), "setup");
        DtlsEndpoint.Role role = "active".equals(setup) ? DtlsEndpoint.Role.SERVER : DtlsEndpoint.Role.CLIENT;
        pc.connect(r, role);
    }

    /** Whether {@code a} belongs to this machine (traffic to it never leaves the host). */
    static boolean isLocal(InetAddress a) {
        try {
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static InetAddress wildcard() {
        try {
            return InetAddress.getByName("0.0.0.0");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SessionDescription parse(String sdp) {
        try {
            return SessionDescription.parse(sdp);
        } catch (SdpException e) {
            throw new CompletionException(e);
        }
    }

    @Override
    public Traffic traffic() {
        PeerConnection p = pub;
        PeerConnection s = sub;
        return new Traffic(p == null ? 0 : p.stats().rtpSent(), s == null ? 0 : s.stats().datagramsReceived());
    }

    @Override
    public Snapshot snapshot() {
        return peer.snapshot();
    }

    @Override
    public void close() {
        peer.stop();
        if (pub != null) {
            pub.close();
        }
        if (sub != null) {
            sub.close();
        }
        if (api != null) {
            api.close();
        }
    }
}
