package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.RtpRewriter;
import org.javameet.sfu.rtp.SequenceNumbers;
import org.javameet.sfu.rtp.TransportWideSequence;
import org.javameet.sfu.srtp.SrtpSession;

/**
 * One subscriber's copy of one Producer. It rewrites SSRC, sequence number, timestamp and payload type to
 * its own values ({@link ConsumerParams}, as announced to the subscriber), so the subscriber sees one
 * continuous stream even when the source changes (a later simulcast layer switch). Media loop only.
 */
public final class Consumer {
    private final Producer producer;
    private final Subscriber subscriber;
    private final MediaLink link;
    private final String mid;
    private final long ssrc;
    private final long rtxSsrc;
    private final int payloadType;
    private final int rtxPayloadType;
    private final int[] extensionsFrom;
    private final int[] extensionsTo;
    /** Null for audio: no keyframe gate. */
    private final KeyframeDetector keyframes;

    private boolean started;
    private boolean waitingForKeyframe;
    private int seqDelta;
    private long tsDelta;
    private int rtxSeq = ThreadLocalRandom.current().nextInt(0x10000);
    private long packetsSent;
    private long octetsSent;
    private boolean closed;
    private final RetransmissionLimiter retransmissions = new RetransmissionLimiter();
    /** The last SRs sent to the subscriber: their LSR (middle 32 bits of the NTP timestamp) and when, for the RTT. */
    private final long[] srLsr = new long[SR_HISTORY];
    private final long[] srSentNanos = new long[SR_HISTORY];
    private int srNext;

    Consumer(Producer producer, Subscriber subscriber, ConsumerParams params) {
        this.producer = producer;
        this.subscriber = subscriber;
        this.link = subscriber.link();
        this.mid = params.mid();
        this.ssrc = params.ssrc();
        this.rtxSsrc = params.rtxSsrc();
        this.payloadType = params.payloadType();
        this.rtxPayloadType = params.rtxPayloadType();
        this.extensionsFrom = params.extensionsFrom().clone();
        this.extensionsTo = params.extensionsTo().clone();
        this.keyframes = params.keyframes();
        this.waitingForKeyframe = keyframes != null;
    }

    public String mid() { return mid; }
    public long ssrc() { return ssrc; }
    public long rtxSsrc() { return rtxSsrc; }
    public Producer producer() { return producer; }
    Subscriber subscriber() { return subscriber; }

    /**
     * Forwards one packet of the producer; does not take ownership of {@code src}. Called by the producer;
     * public so the forwarding benchmark can drive the real thing.
     */
    public void forward(ByteBuf src) {
        if (closed || !link.isConnected()) {
            return;
        }
        if (waitingForKeyframe) {
            if (!keyframes.isKeyframe(src)) {
                link.metrics().drop(DropReason.WAITING_FOR_KEYFRAME);
                producer.requestKeyframe();
                return;
            }
            waitingForKeyframe = false;
        }
        int seq = RtpHeader.sequenceNumber(src);
        long ts = RtpHeader.timestamp(src);
        if (!started) {
            // random bases (RFC 3550 §5.1) and continuity later: out = in + delta
            ThreadLocalRandom r = ThreadLocalRandom.current();
            seqDelta = SequenceNumbers.forwardDistance(seq, r.nextInt(0x8000));
            tsDelta = (r.nextInt() & 0xFFFFFFFFL) - ts;
            started = true;
        }
        int transportCcId = subscriber.transportCcExtensionId();
        ByteBuf out = RtpRewriter.copyWithExtensions(link.alloc(), src, extensionsFrom, extensionsTo,
                transportCcId, transportCcId != 0 ? TransportWideSequence.LENGTH : 0, SrtpSession.MAX_TRAILER);
        RtpHeader.setSsrc(out, ssrc);
        RtpHeader.setPayloadType(out, payloadType);
        RtpHeader.setSequenceNumber(out, SequenceNumbers.add(seq, seqDelta));
        RtpHeader.setTimestamp(out, (ts + tsDelta) & 0xFFFFFFFFL);
        int payloadOctets = out.readableBytes() - RtpHeader.headerLength(out);
        int bytes = out.readableBytes();
        if (transportCcId != 0) {
            subscriber.stampTransportCc(out);
        }
        if (link.sendRtp(out)) {
            retransmissions.onForwarded(bytes);
            packetsSent++;
            octetsSent += payloadOctets;
            link.metrics().rtpForwarded.increment();
        } else if (keyframes != null) {
            // the socket is backed up: rather than a broken frame, skip to the next keyframe
            waitingForKeyframe = true;
            producer.requestKeyframe();
        }
    }

    /**
     * Subscriber's NACK (RFC 4585 §6.2.1) for our sequence numbers: resend from the producer's cache, within the
     * {@link RetransmissionLimiter}'s rules so NACKs cannot amplify.
     */
    void onNack(int[] lostSequenceNumbers) {
        if (!started || closed) {
            return;
        }
        long now = System.nanoTime();
        for (int outSeq : lostSequenceNumbers) {
            int inSeq = SequenceNumbers.add(outSeq, -seqDelta);
            ByteBuf original = producer.cached(inSeq);
            if (original == null) {
                continue;
            }
            switch (retransmissions.tryResend(inSeq, original.readableBytes(), now)) {
                case TOO_SOON -> {
                    link.metrics().retransmissionsTooSoon.increment();
                    continue;
                }
                case OVER_BUDGET -> {
                    link.metrics().retransmissionsOverBudget.increment();
                    continue;
                }
                case SEND -> { }
            }
            int transportCcId = subscriber.transportCcExtensionId();
            ByteBuf packet = rtxSsrc != 0 ? RtxPacket.wrap(link.alloc(), original, outSeq, rtxSeq++ & 0xFFFF,
                    rtxPayloadType, rtxSsrc, tsDelta, transportCcId)
                    : rewrittenCopy(original, outSeq, transportCcId);
            if (transportCcId != 0) {
                subscriber.stampTransportCc(packet);
            }
            if (link.sendRtp(packet)) {
                link.metrics().retransmissions.increment();
            }
        }
        link.flush();
    }

    private ByteBuf rewrittenCopy(ByteBuf original, int outSeq, int transportCcId) {
        ByteBuf out = RtpRewriter.copyWithExtensions(link.alloc(), original, extensionsFrom, extensionsTo,
                transportCcId, transportCcId != 0 ? TransportWideSequence.LENGTH : 0, SrtpSession.MAX_TRAILER);
        RtpHeader.setSsrc(out, ssrc);
        RtpHeader.setPayloadType(out, payloadType);
        RtpHeader.setSequenceNumber(out, outSeq);
        RtpHeader.setTimestamp(out, (RtpHeader.timestamp(original) + tsDelta) & 0xFFFFFFFFL);
        return out;
    }

    void onKeyframeRequest() {
        producer.requestKeyframe();
    }

    /** Called when the subscriber's link connects: start from a keyframe. */
    void onLinkConnected() {
        if (keyframes != null) {
            waitingForKeyframe = true;
            producer.requestKeyframe();
        }
    }

    /** Translates the publisher's SR (RFC 3550 §6.4.1) into our SSRC and timestamp space, so lip sync holds. */
    void onSenderReport(long ntpTimestamp, long rtpTimestamp) {
        if (!started || closed || !link.isConnected()) {
            return;
        }
        link.sendRtcp(RtcpSend.senderReport(link.alloc(), ssrc, ntpTimestamp,
                (rtpTimestamp + tsDelta) & 0xFFFFFFFFL, packetsSent, octetsSent, producer.ownerId()));
        link.flush();
        srLsr[srNext] = (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
        srSentNanos[srNext] = System.nanoTime();
        srNext = (srNext + 1) % SR_HISTORY;
    }

    /**
     * The subscriber's reception report on our stream (RFC 3550 §6.4.1): LSR names the SR of ours it last got,
     * DLSR how long it held it (1/65536 s). The SRs carry the publisher's NTP clock, not ours, so the RTT is our
     * own send time of that SR to now, minus DLSR; it sets how soon a packet may be resent.
     */
    void onReceptionReport(long lsr, long dlsr, long nowNanos) {
        if (lsr == 0 || closed) {
            return; // no SR received yet
        }
        for (int i = 0; i < SR_HISTORY; i++) {
            if (srLsr[i] == lsr && srSentNanos[i] != 0) {
                long rtt = nowNanos - srSentNanos[i] - dlsr * 1_000_000_000L / 65536;
                retransmissions.onRtt(rtt);
                return;
            }
        }
    }

    /** The smoothed RTT to the subscriber, or -1 before it was measured. */
    long rttNanos() {
        return retransmissions.smoothedRttNanos();
    }

    private static final int SR_HISTORY = 8;

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.removeConsumer(this);
    }
}
