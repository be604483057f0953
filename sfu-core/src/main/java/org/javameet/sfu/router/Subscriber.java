package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtcp.RtcpError;
import org.javameet.sfu.rtcp.RtcpHeader;
import org.javameet.sfu.rtcp.Rtcp;
import org.javameet.sfu.rtcp.TransportCcFeedback;

/**
 * A participant's receiving side: the link of their subscribe connection and their Consumers.
 * Routes their RTCP feedback (PLI, FIR, NACK) to the right consumer, and once transport-wide congestion
 * control is negotiated ({@link #enableTransportCc}) keeps their send-side bandwidth estimate. Media loop only.
 */
public final class Subscriber implements MediaLink.Listener {
    private final Router router;
    private final String participantId;
    private final MediaLink link;
    private final List<Consumer> consumers = new ArrayList<>();
    private final LongObjectHashMap<Consumer> bySsrc = new LongObjectHashMap<>(); // looked up per packet: no boxing
    private final LayerAllocator layers = new LayerAllocator();
    /** Null until the subscriber's answer kept the transport-wide sequence number: then nothing is stamped. */
    private BandwidthEstimation bandwidth;
    /** Video to this subscriber at a multiple of its estimate (idle until there is one). */
    private final Pacer pacer = new Pacer();
    private final Pacer.Sink pacedSink = this::sendNow;
    /**
     * Drains the pacer every {@link Pacer#DRAIN_INTERVAL_NANOS} while it has (recently had) something queued: one
     * periodic task, not a new scheduled task per drain, which was the media loop's only per-packet-rate garbage
     * of ours (issue 13). Null while stopped.
     */
    private ScheduledFuture<?> drainTask;
    private final Runnable drainPacer = this::drainPacer;
    /** Consecutive drains that found the queue empty; at {@link #IDLE_DRAINS_BEFORE_STOP} the task stops. */
    private int idleDrains;
    /** How many times the drain task was started. Tests. */
    private long drainTasksStarted;
    /**
     * The pacer's and the estimator's clock (send times, feedback, probes): the real one, a fake in tests so their
     * budgets do not depend on how busy the machine is.
     */
    private java.util.function.LongSupplier pacerClock = System::nanoTime;
    /** Tests: an estimate the pacer keeps whatever the layer pass finds ({@link #paceAt}); 0 when unset. */
    private long pinnedPacingEstimate;
    /** Each transport-cc feedback is read into this one (the estimator keeps nothing of it). */
    private final TransportCcFeedback transportCcScratch = TransportCcFeedback.reusable();
    private final Prober.Listener probeOutcome = this::probed;
    /** The mids of the video consumers last-N pauses, as last reported to the router's listener. */
    private List<String> pausedByLastN = List.of();
    private boolean closed;

    Subscriber(Router router, String participantId, MediaLink link) {
        this.router = router;
        this.participantId = participantId;
        this.link = link;
    }

    public String participantId() { return participantId; }
    public MediaLink link() { return link; }
    List<Consumer> consumers() { return consumers; }

    /**
     * From now on every RTP packet to this subscriber carries a transport-wide sequence number in extension
     * {@code extensionId}, and its transport-cc feedback drives a bandwidth estimate. Idempotent.
     */
    public void enableTransportCc(int extensionId) {
        if (bandwidth == null && !closed) {
            bandwidth = new BandwidthEstimation(extensionId);
        }
    }

    /** The header extension id consumers reserve for the transport-wide sequence number, 0 when not negotiated. */
    int transportCcExtensionId() {
        BandwidthEstimation b = bandwidth;
        return b == null ? 0 : b.extensionId();
    }

    /** Stamps the next transport-wide sequence number on a packet about to be sent (a no-op when not negotiated). */
    void stampTransportCc(ByteBuf packet) {
        if (bandwidth != null) {
            stampTransportCc(packet, pacerClock.getAsLong());
        }
    }

    /** As {@link #stampTransportCc(ByteBuf)}, with the time the caller already read from {@code pacerClock}. */
    private void stampTransportCc(ByteBuf packet, long nowNanos) {
        if (bandwidth != null) {
            bandwidth.stamp(packet, nowNanos / 1000);
        }
    }

    /**
     * Sends one of {@code owner}'s RTP packets (taking ownership): video through the {@link Pacer} (now, or queued
     * until its estimate allows), audio at once. The transport-wide sequence number is stamped when the packet
     * really leaves, so the estimator sees the paced send times. False only when the link refused a packet sent
     * now; a queued packet the link later refuses is reported to its owner ({@link Consumer#onPacedSendFailed}).
     */
    boolean send(ByteBuf packet, Consumer owner, int layer, boolean paced) {
        if (pacer.rateBitsPerSecond() == 0) { // no estimate (no transport-cc): the forward path as before
            stampTransportCc(packet);
            return link.sendRtp(packet);
        }
        long now = pacerClock.getAsLong();
        if (paced) {
            if (!pacer.admit(packet, owner, layer, now)) {
                link.metrics().pacedPackets.increment();
                scheduleDrain();
                return true;
            }
        } else {
            pacer.spent(packet.readableBytes(), now);
        }
        stampTransportCc(packet, now); // one clock read per packet: they cost ~1 % of the server's CPU at 1 x 16
        return link.sendRtp(packet);
    }

    private void sendNow(ByteBuf packet, Consumer owner, int layer) {
        if (closed || owner.closed()) {
            packet.release();
            return;
        }
        stampTransportCc(packet);
        if (!link.sendRtp(packet)) {
            owner.onPacedSendFailed(layer);
        }
    }

    /**
     * The drain task keeps running this many empty drains (200 ms) after the queue last emptied, so a queue that
     * fills with every frame does not start a task (one allocation) per frame; an idle drain is a no-op.
     */
    static final int IDLE_DRAINS_BEFORE_STOP = 40;

    /** Something is queued: makes sure the periodic drain runs (the first drain one interval from now). */
    private void scheduleDrain() {
        idleDrains = 0;
        // done without being stopped: a drain threw, which ends a periodic task; the next queued packet restarts it
        if ((drainTask == null || drainTask.isDone()) && !closed) {
            drainTasksStarted++;
            drainTask = router.scheduleAtFixedRate(drainPacer, Pacer.DRAIN_INTERVAL_NANOS);
        }
    }

    private void drainPacer() {
        if (closed) {
            stopDrainTask();
            return;
        }
        if (bandwidth != null && bandwidth.prober().sending()) {
            idleDrains = 0;
            sendProbePadding(pacerClock.getAsLong());
        }
        if (pacer.queued() == 0) {
            if (++idleDrains >= IDLE_DRAINS_BEFORE_STOP) {
                stopDrainTask();
            }
            return;
        }
        idleDrains = 0;
        long overdueBefore = pacer.overdueReleases();
        pacer.drain(pacerClock.getAsLong(), pacedSink);
        if (pacer.overdueReleases() > overdueBefore) {
            link.metrics().pacedOverdue.increment(pacer.overdueReleases() - overdueBefore);
        }
        link.flush();
    }

    /**
     * Tops the probe cluster up to its rate with padding on the RTX stream of the first video consumer that can
     * carry it, and closes the cluster once it is long enough.
     */
    private void sendProbePadding(long nowNanos) {
        Prober prober = bandwidth.prober();
        long due = prober.paddingDue(nowNanos);
        while (due > 0) {
            int bytes = (int) Math.min(Prober.PADDING_BYTES, due);
            ByteBuf padding = null;
            for (int i = 0; i < consumers.size() && padding == null; i++) {
                padding = consumers.get(i).paddingPacket(bytes, bandwidth.extensionId());
            }
            if (padding == null) {
                prober.abandon(nowNanos, bandwidth.estimator());
                return;
            }
            int size = padding.readableBytes();
            stampTransportCc(padding);
            if (!link.sendRtp(padding)) {
                break; // the socket is full: the cluster ends short, and measures what it measures
            }
            link.metrics().probePaddingBytes.increment(size);
            due -= size;
        }
        prober.finished(nowNanos, bandwidth.estimator());
        link.flush();
    }

    /**
     * Whether any consumer could carry probe padding (a video consumer with RTX, forwarding): without one a probe
     * could only be abandoned, so none is started (a subscriber that negotiated no RTX is never probed).
     */
    private boolean canCarryProbePadding() {
        for (int i = 0; i < consumers.size(); i++) {
            if (consumers.get(i).canCarryPadding(bandwidth.extensionId())) {
                return true;
            }
        }
        return false;
    }

    private void probed(Prober.Outcome outcome) {
        switch (outcome) {
            case RAISED -> link.metrics().probesRaised.increment();
            case NO_GAIN -> link.metrics().probesNoGain.increment();
            case UNMEASURED -> link.metrics().probesUnmeasured.increment();
        }
    }

    private void stopDrainTask() {
        if (drainTask != null) {
            drainTask.cancel(false);
            drainTask = null;
        }
    }

    /** Whether the periodic drain task is running. Tests. */
    boolean draining() {
        return drainTask != null;
    }

    /** How many times the periodic drain task was started. Tests. */
    long drainTasksStarted() {
        return drainTasksStarted;
    }

    /** Packets that waited in the pacer, and those sent past their turn because they waited too long. */
    public long pacedPackets() {
        return pacer.packetsQueued();
    }

    /** Paces from now on as for this estimate, whatever the real one (the layer pass sets that every 200 ms). Tests. */
    void paceAt(long estimateBitsPerSecond) {
        pinnedPacingEstimate = estimateBitsPerSecond;
        pacer.setEstimate(estimateBitsPerSecond, pacerClock.getAsLong());
    }

    /** Replaces the pacer's clock. Tests. */
    void pacerClock(java.util.function.LongSupplier nanoClock) {
        this.pacerClock = nanoClock;
    }

    /** The send-side bandwidth estimate in bits per second, or -1 without transport-cc or before its first feedback. */
    public long bandwidthEstimate() {
        return bandwidth == null ? -1 : bandwidth.estimate();
    }

    /** Null without transport-cc. */
    BandwidthEstimation bandwidth() {
        return bandwidth;
    }

    /** For logs and tests: the estimator's state, or null without transport-cc. */
    public String bandwidthEstimateDetails() {
        return bandwidth == null ? null : bandwidth.estimator().toString();
    }

    /**
     * Chooses the layer each consumer forwards, from the estimate and the tile sizes ({@link LayerAllocator});
     * consumers last-N pauses get none.
     */
    void selectLayers(long nowNanos) {
        long pacingEstimate = pinnedPacingEstimate > 0 ? pinnedPacingEstimate : bandwidthEstimate();
        if (receivesAllVideo) { // the recorder: the top layer, whatever the estimate or tiles
            pacer.setEstimate(pacingEstimate, pacerClock.getAsLong()); // (a recorder has no transport-cc: unpaced)
            for (int i = 0; i < consumers.size(); i++) {
                consumers.get(i).keepTopLayer();
            }
            return;
        }
        long oscillations = layers.oscillations();
        long chosen = layers.allocate(consumers, bandwidthEstimate(), nowNanos);
        if (bandwidth != null && pinnedPacingEstimate == 0 && canCarryProbePadding()
                && bandwidth.prober().consider(pacerClock.getAsLong(), bandwidthEstimate(), layers.wantedBitrate(),
                        bandwidth.estimator(), probeOutcome)) {
            scheduleDrain(); // the padding goes out from the drain task, a few packets every 5 ms
        }
        // what the allocator could not cut below the estimate is sent at its own rate, not queued (see Pacer)
        pacer.setEstimate(pacingEstimate, chosen, pacerClock.getAsLong());
        if (layers.oscillations() != oscillations) {
            link.metrics().layerOscillations.increment();
        }
        for (int i = 0; i < consumers.size(); i++) {
            consumers.get(i).askResumeKeyframe(); // of the layer just chosen, for one last-N resumed
        }
    }

    /**
     * The subscriber shows {@code producer}'s track in a tile {@code height} pixels tall (0: no constraint); its
     * consumer will not be given a layer taller than needed. False when the subscriber has no such consumer.
     */
    public boolean constrain(Producer producer, int height) {
        Consumer c = consumerOf(producer);
        if (c != null) {
            c.maxHeight(height);
        }
        return c != null;
    }

    /** This subscriber's consumer of {@code producer}, or null. */
    public Consumer consumerOf(Producer producer) {
        for (int i = 0; i < consumers.size(); i++) {
            Consumer c = consumers.get(i);
            if (c.producer() == producer) {
                return c;
            }
        }
        return null;
    }

    /** A recorder (not a person on a screen): it gets every video whatever last-N says. */
    private boolean receivesAllVideo;

    public void receivesAllVideo(boolean all) {
        receivesAllVideo = all;
    }

    boolean receivesAllVideo() {
        return receivesAllVideo;
    }

    /** Records what last-N now pauses; true when that differs from what was last reported. */
    boolean pausedByLastN(List<String> mids) {
        if (mids.equals(pausedByLastN)) {
            return false;
        }
        pausedByLastN = mids;
        return true;
    }

    void add(Consumer c) {
        consumers.add(c);
        bySsrc.put(c.ssrc(), c);
    }

    void remove(Consumer c) {
        consumers.remove(c);
        bySsrc.remove(c.ssrc(), c);
    }

    @Override
    public void onConnected(MediaLink t) {
        for (Consumer c : consumers) {
            c.onLinkConnected();
        }
    }

    @Override
    public void onRtp(MediaLink t, ByteBuf packet) {
        // a receive-only connection has nothing to send us
        t.metrics().drop(DropReason.UNKNOWN_SSRC);
        packet.release();
    }

    @Override
    public void onRtcp(MediaLink t, ByteBuf packet) {
        try {
            RtcpError error = RtcpRouting.forEachFeedback(packet, transportCcScratch,
                    new RtcpRouting.FeedbackVisitor() {
                @Override
                public void keyframeRequest(long mediaSsrc) {
                    Consumer c = bySsrc.get(mediaSsrc);
                    if (c != null) {
                        c.onKeyframeRequest();
                    }
                }

                @Override
                public void receptionReport(long mediaSsrc, long lsr, long dlsr) {
                    Consumer c = bySsrc.get(mediaSsrc);
                    if (c != null) {
                        c.onReceptionReport(lsr, dlsr, System.nanoTime());
                    }
                }

                @Override
                public void nack(long mediaSsrc, int[] lost) {
                    t.metrics().nacksReceived.increment();
                    Consumer c = bySsrc.get(mediaSsrc);
                    if (c != null) {
                        c.onNack(lost);
                    }
                }

                @Override
                public void transportCc(TransportCcFeedback feedback) {
                    if (bandwidth != null) {
                        bandwidth.onFeedback(feedback, pacerClock.getAsLong() / 1000, t.metrics());
                    }
                }

                @Override
                public void rejected(int packetType, int fmt, RtcpError error) {
                    if (packetType == RtcpHeader.RTPFB && fmt == Rtcp.FMT_TRANSPORT_CC) {
                        t.metrics().transportCcRejected(error);
                    }
                }
            });
            if (error != null) {
                t.metrics().drop(DropReason.RTCP_MALFORMED);
            }
        } finally {
            packet.release();
        }
    }

    @Override
    public void onClosed(MediaLink t, String reason) {
        router.onLinkClosed(participantId, t, reason);
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopDrainTask();
        pacer.clear();
        for (Consumer c : List.copyOf(consumers)) {
            c.close();
        }
        consumers.clear();
        bySsrc.clear();
        link.close("subscriber closed");
    }
}
