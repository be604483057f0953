package org.javameet.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.sdp.SdpException;
import org.javameet.sfu.sdp.SessionDescription;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * A headless meeting participant: joins a room over the signaling WebSocket, publishes synthetic Opus and
 * VP8 on its publish connection, receives everyone else's on its subscribe connection, and measures what
 * arrives (see {@link ParticipantStats}).
 *
 * <pre>
 * try (PeerRuntime rt = new PeerRuntime()) {
 *     Participant ada = Participant.join(URI.create("ws://127.0.0.1:8080/ws"), "standup", "Ada",
 *             Participant.Options.defaults().withRuntime(rt)).get(10, TimeUnit.SECONDS);
 *     ...
 *     ada.stats().received(bobId, MediaKind.VIDEO).packets();
 *     ada.leave().get(5, TimeUnit.SECONDS);
 * }
 * </pre>
 *
 * <h2>Threads</h2>
 * A participant owns no thread. Its two connections, media clocks and all media state live on one event loop
 * of its {@link PeerRuntime}; signaling callbacks arrive on the HttpClient's executor and hop onto that loop.
 * All public methods are thread-safe.
 */
public final class Participant implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Participant.class.getName());

    /**
     * How a participant behaves.
     *
     * @param keyframeIntervalMillis a keyframe at least this often; 0 = only the first and on PLI/FIR
     * @param dtlsInitialRetransmitMillis DTLS flight retransmission start (RFC 6347 says 1 s; loopback wants less)
     * @param timeout for joining (signaling, ICE, DTLS)
     * @param iceTcp both connections over ICE-TCP to the server's passive TCP candidate instead of UDP
     * @param clip real encoded media to send instead of synthetic frames (recording tests), or null
     * @param voice the audio levels the synthetic microphone sends at first
     * @param transportCc keep transport-cc in subscribe answers and send its feedback, as a browser does
     * @param simulcastLayers the camera as this many simulcast encodings (1: one stream), see {@link #withSimulcast}
     */
    public record Options(PeerRuntime runtime, boolean publishAudio, boolean publishVideo, long videoBitrate,
                          int videoFps, long keyframeIntervalMillis, int width, int height, InetAddress bindAddress,
                          int dtlsInitialRetransmitMillis, Duration timeout, boolean iceTcp,
                          MediaClip clip, Voice voice, boolean transportCc, int simulcastLayers) {
        public Options {
            if (videoFps < 1 || videoFps > 120 || videoBitrate < 8_000) {
                throw new IllegalArgumentException("videoFps 1..120, videoBitrate >= 8 kbps");
            }
            if (simulcastLayers < 1 || simulcastLayers > MediaSender.MAX_SIMULCAST_LAYERS) {
                throw new IllegalArgumentException("simulcastLayers 1.." + MediaSender.MAX_SIMULCAST_LAYERS);
            }
        }

        /** Audio and video, 300 kbps at 15 fps, a keyframe every 10 s, bound to 127.0.0.1, the shared runtime,
         * 30 s to join. */
        public static Options defaults() {
            return new Options(null, true, true, 300_000, 15, 10_000, 640, 360, InetAddress.getLoopbackAddress(),
                    250, Duration.ofSeconds(30), false, null, Voice.PATTERN, true, 1);
        }

        public Options withRuntime(PeerRuntime r) {
            return new Options(r, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis, width,
                    height, bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, transportCc, simulcastLayers);
        }

        public Options withMedia(boolean audio, boolean video) {
            return new Options(runtime, audio, video, videoBitrate, videoFps, keyframeIntervalMillis, width, height,
                    bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, transportCc, simulcastLayers);
        }

        public Options withVideo(long bitrate, int fps) {
            return new Options(runtime, publishAudio, publishVideo, bitrate, fps, keyframeIntervalMillis, width, height,
                    bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, transportCc, simulcastLayers);
        }

        public Options withKeyframeInterval(Duration interval) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, interval.toMillis(), width,
                    height, bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, transportCc, simulcastLayers);
        }

        public Options withBindAddress(InetAddress address) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    width, height, address, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, transportCc, simulcastLayers);
        }

        public Options withTimeout(Duration t) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    width, height, bindAddress, dtlsInitialRetransmitMillis, t, iceTcp, clip, voice, transportCc, simulcastLayers);
        }

        /** Both connections over ICE-TCP (true) or UDP. */
        public Options withIceTcp(boolean tcp) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    width, height, bindAddress, dtlsInitialRetransmitMillis, timeout, tcp, clip, voice, transportCc, simulcastLayers);
        }

        /** Sends {@code c}'s real VP8 and Opus, looped, instead of synthetic frames. */
        public Options withClip(MediaClip c) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    width, height, bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, c, voice, transportCc, simulcastLayers);
        }

        /** What the microphone says from the first packet on (see {@link Participant#voice} to change it later). */
        public Options withVoice(Voice v) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    width, height, bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, v, transportCc, simulcastLayers);
        }

        /**
         * Keep transport-wide congestion control in subscribe answers and send its feedback (true, as a browser
         * does), or drop it from the answer (the server then neither stamps nor estimates).
         */
        public Options withTransportCc(boolean tcc) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    width, height, bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, tcc,
                    simulcastLayers);
        }

        /**
         * Publish the camera as {@code layers} simulcast encodings (1: one stream), as Chromium does: the top one
         * at {@code width}x{@code height} and {@code videoBitrate}, each lower one half the size and a quarter of
         * the rate (see {@link MediaSender}).
         */
        public Options withSimulcast(int layers) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    width, height, bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, transportCc,
                    layers);
        }

        /** The camera's size (the top simulcast layer's). */
        public Options withSize(int w, int h) {
            return new Options(runtime, publishAudio, publishVideo, videoBitrate, videoFps, keyframeIntervalMillis,
                    w, h, bindAddress, dtlsInitialRetransmitMillis, timeout, iceTcp, clip, voice, transportCc,
                    simulcastLayers);
        }

                PeerConnection.Options connectionOptions() {
            PeerConnection.Options o = PeerConnection.Options.defaults();
            return o.withDtlsTimeouts(o.dtlsTimeoutMillis(), dtlsInitialRetransmitMillis).withIceTcp(iceTcp);
        }

        PeerRuntime runtimeOrShared() {
            return runtime != null ? runtime : PeerRuntime.shared();
        }
    }

    private final Options options;
    private final PeerRuntime runtime;
    private final EventLoop loop;
    private final String room;
    private final String displayName;
    private final MediaReceiver receiver;
    private volatile SignalingClient signaling;
    private volatile String id;
    private volatile int senderId;
    private volatile MediaSender sender;
    private volatile Voice voice;
    private volatile PeerConnection publishPc;
    private volatile PeerConnection subscribePc;
    private CompletableFuture<?> subscribeChain = CompletableFuture.completedFuture(null); // guarded by this
    private volatile long joinStartNanos;
    private volatile long joinedNanos;
    private volatile long publishAnswerNanos;
    private volatile long subscribeOfferNanos;
    private volatile long subscribeAnswerSentNanos;
    private volatile boolean closed;

    private Participant(Options options, String room, String displayName) {
        this.options = options;
        this.voice = options.voice();
        this.runtime = options.runtimeOrShared();
        this.loop = runtime.nextLoop();
        this.room = room;
        this.displayName = displayName;
        this.receiver = new MediaReceiver(runtime.alloc(), MediaReceiver.Options.fromOffers(), runtime.window());
    }

    /**
     * Connects to {@code wsUri}, joins {@code room}, and (when publishing) completes once the publish
     * connection carries media. Subscribe offers are answered whenever they come.
     */
    public static CompletableFuture<Participant> join(URI wsUri, String room, String displayName, Options options) {
        Participant p = new Participant(Objects.requireNonNull(options, "options"), room, displayName);
        return p.start(wsUri);
    }

    private CompletableFuture<Participant> start(URI wsUri) {
        joinStartNanos = System.nanoTime();
        CompletableFuture<Participant> done = SignalingClient.connect(runtime.httpClient(), wsUri)
                .thenCompose(sig -> {
                    signaling = sig;
                    sig.onMessage(this::onSignal);
                    ObjectNode join = SignalingClient.message("join");
                    join.put("room", room);
                    join.put("displayName", displayName);
                    return sig.request(join, "joined");
                })
                .thenCompose(joined -> {
                    joinedNanos = System.nanoTime();
                    id = joined.path("you").path("id").asText();
                    senderId = senderIdOf(id);
                    return options.publishAudio() || options.publishVideo()
                            ? publish() : CompletableFuture.completedFuture(null);
                })
                .thenApply(x -> this)
                .orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        done.whenComplete((p, e) -> {
            if (e != null) {
                close();
            }
        });
        return done;
    }

    private CompletableFuture<Void> publish() {
        MediaSender s = new MediaSender(new MediaSender.Options(options.publishAudio(), options.publishVideo(),
                options.videoBitrate(), options.videoFps(), options.keyframeIntervalMillis(), options.width(),
                options.height(), true, options.clip(), options.simulcastLayers()), runtime.alloc(), id, runtime.window());
        sender = s;
        loop.execute(() -> s.voice(voice)); // the latest, even if voice() ran just before sender was set
        return PeerConnection.open(runtime, loop, options.bindAddress(), id + "/publish", s,
                        options.connectionOptions())
                .thenCompose(pc -> {
                    publishPc = pc;
                    pc.setLossPercent(lossPercent);
                    if (closed) {
                        pc.close();
                    }
                    ObjectNode offer = SignalingClient.message("publishOffer");
                    offer.put("sdp", ClientSdp.publishOffer(pc.identity(), id, s.tracks(id)));
                    return signaling.request(offer, "publishAnswer");
                })
                .thenCompose(answer -> {
                    if (publishAnswerNanos == 0) {
                        publishAnswerNanos = System.nanoTime();
                    }
                    publishPc.connect(remoteOf(answer.path("sdp").asText()));
                    return publishPc.connected();
                })
                .thenAccept(pc -> pc.loop().execute(() -> {
                    if (!closed) {
                        s.start(pc, senderId);
                    }
                }));
    }

    /**
     * ICE restart on both connections, as a browser does when they fail (docs/protocol.md, "ICE restart"): the publish
     * connection re-offers with new credentials, the subscribe connection asks the server for an offer with new ones.
     * DTLS and SRTP go on; the participant keeps its id. Completes when the publish side has the server's new
     * credentials and the subscribe side's restart offer is answered.
     */
    public CompletableFuture<Void> restartIce() {
        CompletableFuture<Void> publish = CompletableFuture.completedFuture(null);
        PeerConnection pub = publishPc;
        MediaSender s = sender;
        if (pub != null && s != null) {
            ObjectNode offer = SignalingClient.message("publishOffer");
            offer.put("sdp", ClientSdp.publishOffer(pub.restartIce(), id, s.tracks(id)));
            publish = signaling.request(offer, "publishAnswer")
                    .thenAccept(answer -> pub.iceRestarted(remoteOf(answer.path("sdp").asText())));
        }
        CompletableFuture<Void> subscribe = CompletableFuture.completedFuture(null);
        if (subscribePc != null) {
            subscribeRestarted = new CompletableFuture<>();
            subscribe = subscribeRestarted;
            ObjectNode restart = SignalingClient.message("restartIce");
            restart.put("connection", "subscribe");
            signaling.send(restart);
        }
        return CompletableFuture.allOf(publish, subscribe);
    }

    /** Completed when a subscribe offer with new ICE credentials was answered. */
    private volatile CompletableFuture<Void> subscribeRestarted;

    private static ClientSdp.RemoteTransport remoteOf(String sdp) {
        try {
            return ClientSdp.remoteTransport(SessionDescription.parse(sdp));
        } catch (SdpException e) {
            throw new CompletionException(e);
        }
    }

    private void onSignal(JsonNode msg) {
        if ("layersPaused".equals(msg.path("type").asText())) {
            onLayersPaused(msg.path("tracks"));
            return;
        }
        if ("subscribeOffer".equals(msg.path("type").asText())) {
            if (subscribeOfferNanos == 0) {
                subscribeOfferNanos = System.nanoTime();
            }
            synchronized (this) {
                subscribeChain = subscribeChain.thenCompose(x -> answerSubscribeOffer(msg)).exceptionally(e -> {
                    if (closed) { // an offer that came as we left: its answer has nowhere to go, nothing failed
                        LOG.log(Level.FINE, this + ": subscribe offer dropped while closing", e);
                    } else {
                        LOG.log(Level.WARNING, this + ": subscribe offer failed", e);
                    }
                    return null;
                });
            }
        }
    }

    /**
     * The server's {@code layersPaused} (docs/protocol.md): the simulcast layers of our video nobody receives, which
     * we stop encoding, as the web client sets {@code active = false}; a track not listed has every layer on.
     */
    private void onLayersPaused(JsonNode tracks) {
        MediaSender s = sender;
        if (s == null || s.videoMid == null) {
            return;
        }
        java.util.Set<String> rids = new java.util.HashSet<>();
        for (JsonNode t : tracks) {
            if (s.videoMid.equals(t.path("mid").asText())) {
                t.path("rids").forEach(r -> rids.add(r.asText()));
            }
        }
        loop.execute(() -> s.pauseLayers(rids));
    }

    private CompletableFuture<Void> answerSubscribeOffer(JsonNode msg) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(msg.path("sdp").asText());
        } catch (SdpException e) {
            return CompletableFuture.failedFuture(e);
        }
        long version = msg.path("version").asLong();
        boolean first = subscribePc == null;
        CompletableFuture<PeerConnection> pcf = first
                ? PeerConnection.open(runtime, loop, options.bindAddress(), id + "/subscribe", receiver,
                        options.connectionOptions()).thenApply(pc -> {
                            subscribePc = pc;
                            pc.setLossPercent(lossPercent);
                            if (receiveRateCap > 0) {
                                pc.setReceiveRateCap(receiveRateCap);
                            }
                            if (closed) {
                                pc.close();
                            }
                            return pc;
                        })
                : CompletableFuture.completedFuture(subscribePc);
        return pcf.thenComposeAsync(pc -> {
            receiver.attach(pc);
            receiver.onOffer(ClientSdp.offeredTracks(offer));
            receiver.transportCc(options.transportCc() ? ClientSdp.transportCcExtensionId(offer) : 0);
            ClientSdp.RemoteTransport remote = remoteOf(msg.path("sdp").asText());
            // new server credentials: an ICE restart, which the answerer follows with new ones of its own (RFC 8445 §9)
            boolean restart = !first && pc.remote() != null && !pc.remote().iceUfrag().equals(remote.iceUfrag());
            ClientSdp.LocalIdentity identity = restart ? pc.restartIce() : pc.identity();
            ObjectNode answer = SignalingClient.message("subscribeAnswer");
            answer.put("sdp", ClientSdp.subscribeAnswer(offer, identity, options.transportCc()));
            answer.put("version", version);
            CompletableFuture<Void> sent = signaling.send(answer);
            if (first) {
                sent.thenRun(() -> {
                    subscribeAnswerSentNanos = System.nanoTime();
                    pc.connect(remote);
                });
            } else if (restart) {
                sent.thenRun(() -> {
                    pc.iceRestarted(remote);
                    CompletableFuture<Void> waiting = subscribeRestarted;
                    if (waiting != null) {
                        waiting.complete(null);
                    }
                });
            }
            return sent;
        }, loop);
    }

    /** A stable 32-bit id for the media stamp, derived from the participant id. */
    static int senderIdOf(String participantId) {
        int h = participantId.hashCode();
        return h == 0 ? 1 : h;
    }

    public String id() { return id; }
    public String room() { return room; }
    public String displayName() { return displayName; }
    public SignalingClient signaling() { return signaling; }
    /** The publish connection, or null when not publishing. */
    private volatile double lossPercent;

    /** Drops this share of RTP on both connections, now and for connections made later (see PeerConnection#setLossPercent). */
    public void setLossPercent(double percent) {
        lossPercent = percent;
        PeerConnection pub = publishPc;
        PeerConnection sub = subscribePc;
        if (pub != null) {
            pub.setLossPercent(percent);
        }
        if (sub != null) {
            sub.setLossPercent(percent);
        }
    }

    private volatile long receiveRateCap;

    /**
     * Caps what this participant's subscribe connection receives at {@code bitsPerSecond}, as a shaped downlink
     * (see {@link PeerConnection#setReceiveRateCap}), now and for a connection made later; 0 lifts it.
     */
    public void setReceiveRateCap(long bitsPerSecond) {
        receiveRateCap = bitsPerSecond;
        PeerConnection sub = subscribePc;
        if (sub != null) {
            sub.setReceiveRateCap(bitsPerSecond);
        }
    }

    /** What the subscribe connection's transport-cc recorded and reported so far. */
    public MediaReceiver.TransportCcStats transportCcStats() {
        return onLoop(receiver::transportCcStats);
    }

    /**
     * Camera off ({@code true}: the video track stays, but no frames are sent, as when a browser stops the
     * track's source) or on again, starting with a keyframe.
     */
    public void pauseVideo(boolean paused) {
        MediaSender s = sender;
        if (s != null) {
            loop.execute(() -> s.pauseVideo(paused));
        }
    }

    /**
     * What this participant's microphone says from now on, as the audio levels (RFC 6464) of its packets: a test
     * makes it speak or fall silent. Remembered for a sender made later.
     */
    public void voice(Voice v) {
        voice = v;
        MediaSender s = sender;
        if (s != null) {
            loop.execute(() -> s.voice(v));
        }
    }

    public PeerConnection publishConnection() { return publishPc; }
    /** The subscribe connection, or null before the first subscribe offer. */
    public PeerConnection subscribeConnection() { return subscribePc; }
    public int senderId() { return senderId; }

    /** A consistent snapshot of everything measured so far. */
    public ParticipantStats stats() {
        return onLoop(() -> new ParticipantStats(id, joinStartNanos, joinedNanos,
                sender == null ? List.of() : sender.snapshot(), receiver.snapshot(),
                publishPc == null ? null : publishPc.stats(), subscribePc == null ? null : subscribePc.stats(),
                receiver.offers, receiver.unknownSsrcPackets,
                receiver.rtcpMalformed + (sender == null ? 0 : sender.rtcpMalformed)));
    }

    /** When each step of the join happened, for the load harness's join breakdown. */
    public JoinTimeline timeline() {
        PeerConnection pub = publishPc;
        PeerConnection sub = subscribePc;
        return new JoinTimeline(joinStartNanos, joinedNanos, publishAnswerNanos, pub == null ? null : pub.timing(),
                subscribeOfferNanos, subscribeAnswerSentNanos, sub == null ? null : sub.timing());
    }

    /** Sends a PLI for {@code publisherId}'s video, as a browser does when its decoder needs a keyframe. */
    public void requestKeyframe(String publisherId) {
        loop.execute(() -> {
            InboundTrack t = receiver.track(publisherId, MediaKind.VIDEO);
            if (t != null) {
                receiver.sendPli(t);
            }
        });
    }

    /**
     * Tells the server this participant shows {@code publisherId}'s video in a tile {@code height} pixels tall
     * ({@code tileSizes}, docs/protocol.md; 0 lifts the constraint), as the web client does for each tile. False
     * when no subscribe offer has given us that video yet.
     */
    public boolean showVideo(String publisherId, int height) {
        String trackId = onLoop(() -> {
            InboundTrack t = receiver.track(publisherId, MediaKind.VIDEO);
            return t == null ? null : t.trackId;
        });
        if (trackId == null) {
            return false;
        }
        ObjectNode m = SignalingClient.message("tileSizes");
        m.putArray("tiles").addObject().put("trackId", trackId).put("height", height);
        signaling.send(m);
        return true;
    }

    /** Sends a NACK for these sequence numbers of {@code publisherId}'s track of this kind. */
    public void nack(String publisherId, MediaKind kind, int... sequenceNumbers) {
        int[] seqs = sequenceNumbers.clone();
        loop.execute(() -> {
            InboundTrack t = receiver.track(publisherId, kind);
            if (t != null) {
                receiver.sendNack(t, seqs);
            }
        });
    }

    /**
     * Stops media, says {@code leave}, waits (up to 2 s) for the server to close the socket, then closes the
     * connections.
     */
    public CompletableFuture<Void> leave() {
        SignalingClient sig = signaling;
        stopMedia();
        if (sig == null || !sig.isOpen()) {
            close();
            return CompletableFuture.completedFuture(null);
        }
        sig.send(SignalingClient.message("leave"));
        return sig.closedFuture().completeOnTimeout(1000, 2, TimeUnit.SECONDS)
                .handle((status, e) -> {
                    close();
                    return null;
                });
    }

    private void stopMedia() {
        loop.execute(() -> {
            if (sender != null) {
                sender.stop();
            }
            receiver.stop();
        });
    }

    /** Closes everything at once, without a {@code leave} (the server sees a disconnect). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopMedia();
        if (publishPc != null) {
            publishPc.close();
        }
        if (subscribePc != null) {
            subscribePc.close();
        }
        if (signaling != null) {
            signaling.close();
        }
    }

    private <T> T onLoop(Supplier<T> s) {
        if (loop.inEventLoop()) {
            return s.get();
        }
        try {
            return loop.submit(s::get).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(this + ": loop did not answer", e);
        }
    }

    @Override
    public String toString() {
        return "participant " + id + " (" + displayName + ")";
    }
}
