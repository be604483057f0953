package org.javameet.bench.load.targets;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.EstimateSamples;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.peer.Participant;
import org.javameet.peer.ParticipantStats;
import org.javameet.peer.PeerConnection;
import org.javameet.peer.PeerRuntime;

/** A peer-client {@link Participant} seen through the harness's {@link LoadParticipant} view. */
final class JavameetParticipant implements LoadParticipant {
    private final PeerRuntime runtime;
    private final URI ws;
    private final Seat seat;
    private final LoadOptions options;
    private final boolean iceTcp;
    /** Its downlink's cap in bits/s ({@code --receiver-cap}), 0 when uncapped. */
    private final long capBps;
    private final EstimateSamples estimates = new EstimateSamples();
    private volatile Participant participant;

    JavameetParticipant(PeerRuntime runtime, URI ws, Seat seat, LoadOptions options, boolean iceTcp, boolean capped) {
        this.iceTcp = iceTcp;
        this.capBps = capped ? options.receiverCapKbps() * 1000L : 0;
        this.runtime = runtime;
        this.ws = ws;
        this.seat = seat;
        this.options = options;
    }

    /** The joined peer-client participant (null before the join completes). */
    Participant peer() {
        return participant;
    }

    @Override
    public Seat seat() {
        return seat;
    }

    @Override
    public String path() {
        return iceTcp ? "tcp" : "udp";
    }

    @Override
    public CompletableFuture<?> join() {
        Participant.Options o = Participant.Options.defaults().withRuntime(runtime)
                .withMedia(seat.publisher(), seat.publisher())
                .withVideo(options.videoKbps() * 1000L, options.fps())
                .withKeyframeInterval(Duration.ofSeconds(10))
                .withTimeout(Duration.ofSeconds(30))
                .withIceTcp(iceTcp)
                .withTransportCc(options.transportCc())
                .withSimulcast(options.simulcast());
        return Participant.join(ws, seat.room(), seat.name(), o).thenAccept(p -> {
            p.setLossPercent(options.lossPercent());
            if (capBps > 0) {
                p.setReceiveRateCap(capBps);
            }
            p.signaling().onMessage(m -> {
                if ("bandwidthEstimate".equals(m.path("type").asText())) {
                    estimates.add(System.nanoTime(), m.path("bitrate").asLong());
                }
            });
            participant = p;
        });
    }

    @Override
    public long receiveCapBps() {
        return capBps;
    }

    @Override
    public long receiveCapDropped() {
        Participant p = participant;
        PeerConnection sub = p == null ? null : p.subscribeConnection();
        return sub == null ? 0 : sub.receiveCapDropped();
    }

    @Override
    public double[] serverEstimateBps(long fromNanos, long toNanos) {
        return estimates.meanAndLast(fromNanos, toNanos);
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
        return EngineSnapshots.of(seat.publisher() ? p.senderId() : 0, s.joinStartNanos(), s.published(), s.received());
    }

    @Override
    public java.util.Map<String, Long> joinSteps() {
        Participant p = participant;
        return p == null ? java.util.Map.of() : p.timeline().sinceStart();
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
