package org.javameet.bench.load.targets;

import java.util.ArrayList;
import java.util.List;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.bench.load.run.Percentiles;
import org.javameet.peer.ForwardedRun;
import org.javameet.peer.LocalTrackStats;
import org.javameet.peer.RemoteTrackStats;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * peer-client's media engine statistics ({@link org.javameet.peer.MediaSender},
 * {@link org.javameet.peer.MediaReceiver}) as the harness's {@link LoadParticipant.Snapshot}: the one
 * conversion every target uses, so every target is counted by the same rules.
 */
final class EngineSnapshots {
    private EngineSnapshots() {
    }

    static LoadParticipant.Snapshot of(int senderId, long joinStartNanos, List<LocalTrackStats> published,
                                       List<RemoteTrackStats> received) {
        long firstMedia = 0;
        List<LoadParticipant.TrackSnapshot> tracks = new ArrayList<>();
        for (RemoteTrackStats t : received) {
            if (t.packets() == 0 && t.retransmissions() == 0) {
                continue;
            }
            if (t.firstPacketNanos() != 0 && (firstMedia == 0 || t.firstPacketNanos() < firstMedia)) {
                firstMedia = t.firstPacketNanos();
            }
            // the receiver keeps latencies in a ring, one sample per delivered window packet
            long[] latency = Percentiles.unroll(t.latencyNanos(), t.windowDelivered());
            String key = (t.participantId() == null ? "" : t.participantId() + "/") + t.kind() + "/" + t.mid();
            List<LoadParticipant.Run> runs = new ArrayList<>();
            for (ForwardedRun r : t.forwardedRuns()) {
                runs.add(new LoadParticipant.Run(r.layer(), r.firstOriginalSeq(), r.packets(), r.firstSendNanos(),
                        r.lastSendNanos()));
            }
            tracks.add(new LoadParticipant.TrackSnapshot(key, t.lastSenderId(), t.kind() == MediaKind.VIDEO,
                    t.firstPacketNanos(), t.packets(), t.windowArrivals(), t.windowDelivered(),
                    t.windowRetransmissions(), t.nacksSent(), t.plisSent(), latency, t.windowBytes(), List.copyOf(runs)));
        }
        long sent = 0;
        long windowSent = 0;
        long nacks = 0;
        long plis = 0;
        long rtx = 0;
        List<LoadParticipant.LayerWindow> layers = new ArrayList<>();
        for (LocalTrackStats t : published) {
            if (t.kind() == MediaKind.VIDEO) {
                layers.add(new LoadParticipant.LayerWindow(layerOf(t.rid()), t.windowFirstSeq(), t.windowSent()));
            }
            sent += t.packetsSent();
            windowSent += t.windowSent();
            nacks += t.nacksReceived();
            plis += t.plisReceived() + t.firsReceived();
            rtx += t.retransmissionsSent();
        }
        layers.sort(java.util.Comparator.comparingInt(LoadParticipant.LayerWindow::layer));
        return new LoadParticipant.Snapshot(senderId, joinStartNanos, firstMedia, sent, windowSent, nacks, plis, rtx,
                tracks, List.copyOf(layers));
    }

    /** The layer index of a simulcast rid: peer-client names its layers r0, r1, r2, lowest first; 0 without. */
    static int layerOf(String rid) {
        if (rid == null) {
            return 0;
        }
        try {
            return Integer.parseInt(rid.substring(1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not one of peer-client's rids (r0, r1, r2): " + rid, e);
        }
    }
}
