package org.javameet.bench.load.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import org.javameet.bench.load.client.ClientLoops;
import org.javameet.bench.load.client.EmulatedPeer;
import org.javameet.bench.load.client.LossModel;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.peer.ClientSdp;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;

/**
 * A participant of a Janus VideoRoom: a publisher handle (join as publisher, {@code publish} with our offer,
 * apply Janus's answer) when it publishes, and one subscriber handle for every other publisher's feed (join as
 * subscriber with Janus 1.x {@code streams}, answer Janus's offer, {@code start}). Media goes through
 * {@link JanusTransport}s and the harness's {@link EmulatedPeer}, so packets are shaped as for javameet.
 */
final class JanusParticipant implements LoadParticipant {
    private final ClientLoops loops;
    private final HttpClient http;
    private final URI ws;
    private final ScheduledExecutorService timer;
    private final DtlsCertificate certificate;
    private final long room;
    private final String name;
    private final boolean publisher;
    private final EmulatedPeer peer;
    private final LossModel loss;
    private volatile JanusApi api;
    private volatile JanusTransport pub;
    private volatile JanusTransport sub;
    volatile long feedId;

    JanusParticipant(ClientLoops loops, HttpClient http, URI ws, ScheduledExecutorService timer,
                     DtlsCertificate certificate, long room, String name, boolean publisher, LoadOptions options) {
        this.loops = loops;
        this.http = http;
        this.ws = ws;
        this.timer = timer;
        this.certificate = certificate;
        this.room = room;
        this.name = name;
        this.publisher = publisher;
        this.peer = new EmulatedPeer(loops.next(), loops.alloc, options.videoKbps(), options.fps(), true);
        this.loss = new LossModel(options.lossPercent());
    }

    @Override
    public String name() {
        return room + "/" + name;
    }

    @Override
    public boolean publishes() {
        return publisher;
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
                    return JanusTransport.open(loops, peer.loop(), certificate, loss, new JanusTransport.Handler() {
                        @Override
                        public void onRtp(ByteBuf packet) {
                        }

                        @Override
                        public void onRtcp(ByteBuf packet) {
                            peer.onPublishRtcp(packet);
                        }
                    });
                })
                .thenCompose(t -> {
                    pub = t;
                    String offer = JanusSdp.publishOffer(t.local(), name, peer.audio.ssrc, peer.video.ssrc);
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
                    return JanusTransport.open(loops, peer.loop(), certificate, loss, new JanusTransport.Handler() {
                        @Override
                        public void onRtp(ByteBuf packet) {
                            peer.onRtp(packet);
                        }

                        @Override
                        public void onRtcp(ByteBuf packet) {
                        }
                    });
                })
                .thenCompose(t -> {
                    sub = t;
                    SessionDescription sd = parse(offer[0].path("sdp").asText());
                    peer.videoPayloadTypes(JanusSdp.videoPayloadTypes(sd));
                    peer.subscribeLink(t);
                    String answer = JanusSdp.subscribeAnswer(sd, t.local());
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

    /** ICE towards the candidate in Janus's SDP; our DTLS role is the opposite of the setup Janus took. */
    private static void connect(JanusTransport t, String remoteSdp) {
        SessionDescription sd = parse(remoteSdp);
        ClientSdp.RemoteTransport r;
        try {
            r = ClientSdp.remoteTransport(sd);
        } catch (SdpException e) {
            throw new CompletionException(e);
        }
        String setup = sd.media().isEmpty() ? null : sd.attribute(sd.media().get(0), "setup");
        // Janus answering "active" is the DTLS client; offering "actpass" we answer "active" and are the client
        DtlsEndpoint.Role role = "active".equals(setup) ? DtlsEndpoint.Role.SERVER : DtlsEndpoint.Role.CLIENT;
        t.connect(r.candidate(), r.iceUfrag(), r.icePwd(), r.fingerprint(), role);
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
        JanusTransport p = pub;
        JanusTransport s = sub;
        return new Traffic(p == null ? 0 : p.rtpSent.get(), s == null ? 0 : s.datagramsReceived.get());
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
