package org.javameet.bench.load.targets;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.bench.load.run.Percentiles;
import org.javameet.peer.LocalTrackStats;
import org.javameet.peer.Participant;
import org.javameet.peer.ParticipantStats;
import org.javameet.peer.PeerConnection;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.sfu.webrtc.MediaKind;

/** A peer-client {@link Participant} seen through the harness's {@link LoadParticipant} view. */
final class JavameetParticipant implements LoadParticipant {
    /** How many latency samples peer-client keeps per track (InboundTrack.LATENCY_SAMPLES). */
    private static final int PEER_LATENCY_RING = 4096;

    private final PeerRuntime runtime;
    private final URI ws;
    private final String room;
    private final String name;
    private final boolean publisher;
    private final LoadOptions options;
    private final boolean iceTcp;
    private volatile Participant participant;

    JavameetParticipant(PeerRuntime runtime, URI ws, String room, String name, boolean publisher, LoadOptions options,
                        boolean iceTcp) {
        this.iceTcp = iceTcp;
        this.runtime = runtime;
        this.ws = ws;
        this.room = room;
        this.name = name;
        this.publisher = publisher;
        this.options = options;
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
        Participant.Options o = Participant.Options.defaults().withRuntime(runtime)
                .withMedia(publisher, publisher)
                .withVideo(options.videoKbps() * 1000L, options.fps())
                .withKeyframeInterval(Duration.ofSeconds(10))
                .withTimeout(Duration.ofSeconds(30))
                .withIceTcp(iceTcp);
        return Participant.join(ws, room, name, o).thenAccept(p -> {
            p.setLossPercent(options.lossPercent());
            participant = p;
        });
    }

    @Override
    public Traffic traffic() {
        Participant p = participant;
        if (p == null) {
            return Traffic.NONE;
        }
        long sent = 0;
        long received = 0;
        PeerConnection pub = p.publishConnection();
        PeerConnection sub = p.subscribeConnection();
        if (pub != null) {
            sent += pub.stats().datagramsSent();
        }
        if (sub != null) {
            received += sub.stats().datagramsReceived();
        }
        return new Traffic(sent, received);
    }

    @Override
    public Snapshot snapshot() {
        Participant p = participant;
        if (p == null) {
            return Snapshot.EMPTY;
        }
        ParticipantStats s = p.stats();
        long firstMedia = 0;
        List<TrackSnapshot> tracks = new ArrayList<>();
        for (RemoteTrackStats t : s.received()) {
            if (t.packets() == 0 && t.retransmissions() == 0) {
                continue;
            }
            if (t.firstPacketNanos() != 0 && (firstMedia == 0 || t.firstPacketNanos() < firstMedia)) {
                firstMedia = t.firstPacketNanos();
            }
            long[] latency = t.latencyNanos().length < PEER_LATENCY_RING
                    ? t.latencyNanos() : Percentiles.unroll(t.latencyNanos(), t.packets());
            tracks.add(new TrackSnapshot(t.participantId() + "/" + t.kind() + "/" + t.mid(), t.lastSenderId(),
                    t.kind() == MediaKind.VIDEO, t.firstPacketNanos(), t.packets(), t.lost(), t.nacksSent(), t.plisSent(),
                    t.retransmissions(), latency));
        }
        long sent = 0;
        long nacks = 0;
        long plis = 0;
        long rtx = 0;
        for (LocalTrackStats t : s.published()) {
            sent += t.packetsSent();
            nacks += t.nacksReceived();
            plis += t.plisReceived() + t.firsReceived();
            rtx += t.retransmissionsSent();
        }
        return new Snapshot(publisher ? p.senderId() : 0, s.joinStartNanos(), firstMedia, sent, nacks, plis, rtx, tracks);
    }

    @Override
    public void close() {
        Participant p = participant;
        if (p != null) {
            try {
                p.leave().get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.close();
            }
        }
    }
}
