package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.RtpRewriter;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.transport.WebRtcTransport;
import org.javameet.sfu.webrtc.MediaKind;
import org.javameet.sfu.webrtc.SubscribeNegotiation;

/**
 * One subscriber's copy of one Producer. It rewrites SSRC, sequence number, timestamp and payload type to
 * its own values (announced in the subscriber's SDP), so the subscriber sees one continuous stream even
 * when the source changes (a later simulcast layer switch). Media loop only.
 */
public final class Consumer {
    private final Producer producer;
    private final Subscriber subscriber;
    private final WebRtcTransport transport;
    private final String mid;
    private final long ssrc;
    private final long rtxSsrc;
    private final int payloadType;
    private final int[] extensionsFrom;
    private final int[] extensionsTo;

    private boolean started;
    private boolean waitingForKeyframe;
    private int seqDelta;
    private long tsDelta;
    private int rtxSeq = ThreadLocalRandom.current().nextInt(0x10000);
    private long packetsSent;
    private long octetsSent;
    private boolean closed;

    Consumer(Producer producer, Subscriber subscriber, String mid, long ssrc, long rtxSsrc) {
        this.producer = producer;
        this.subscriber = subscriber;
        this.transport = subscriber.transport();
        this.mid = mid;
        this.ssrc = ssrc;
        this.rtxSsrc = rtxSsrc;
        boolean video = producer.kind() == MediaKind.VIDEO;
        this.payloadType = video ? SubscribeNegotiation.VP8.payloadType() : SubscribeNegotiation.OPUS.payloadType();
        this.waitingForKeyframe = video;
        int level = producer.track().audioLevelExtId();
        if (!video && level != 0) {
            extensionsFrom = new int[] {level};
            extensionsTo = new int[] {SubscribeNegotiation.AUDIO_LEVEL_EXT_ID};
        } else {
            extensionsFrom = new int[0];
            extensionsTo = new int[0];
        }
    }

    public String mid() { return mid; }
    public long ssrc() { return ssrc; }
    public long rtxSsrc() { return rtxSsrc; }
    public Producer producer() { return producer; }
    Subscriber subscriber() { return subscriber; }

    /** Forwards one packet of the producer; does not take ownership of {@code src}. */
    void forward(ByteBuf src) {
        if (closed || !transport.isConnected()) {
            return;
        }
        if (waitingForKeyframe) {
            if (!Vp8.isKeyframe(src)) {
                transport.metrics().drop(DropReason.WAITING_FOR_KEYFRAME);
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
            seqDelta = (r.nextInt(0x8000) - seq) & 0xFFFF;
            tsDelta = (r.nextInt() & 0xFFFFFFFFL) - ts;
            started = true;
        }
        ByteBuf out = RtpRewriter.copyWithExtensions(transport.alloc(), src, extensionsFrom, extensionsTo,
                SrtpSession.MAX_TRAILER);
        RtpHeader.setSsrc(out, ssrc);
        RtpHeader.setPayloadType(out, payloadType);
        RtpHeader.setSequenceNumber(out, (seq + seqDelta) & 0xFFFF);
        RtpHeader.setTimestamp(out, (ts + tsDelta) & 0xFFFFFFFFL);
        int payloadOctets = out.readableBytes() - RtpHeader.headerLength(out);
        if (transport.sendRtp(out)) {
            packetsSent++;
            octetsSent += payloadOctets;
            transport.metrics().rtpForwarded.increment();
        } else if (producer.kind() == MediaKind.VIDEO) {
            // the socket is backed up: rather than a broken frame, skip to the next keyframe
            waitingForKeyframe = true;
            producer.requestKeyframe();
        }
    }

    /** Subscriber's NACK (RFC 4585 §6.2.1) for our sequence numbers: resend from the producer's cache. */
    void onNack(int[] lostSequenceNumbers) {
        if (!started || closed) {
            return;
        }
        for (int outSeq : lostSequenceNumbers) {
            int inSeq = (outSeq - seqDelta) & 0xFFFF;
            ByteBuf original = producer.cached(inSeq);
            if (original == null) {
                continue;
            }
            ByteBuf packet = rtxSsrc != 0 ? RtxPacket.wrap(transport.alloc(), original, outSeq, rtxSeq++ & 0xFFFF,
                    SubscribeNegotiation.VP8_RTX.payloadType(), rtxSsrc, tsDelta)
                    : rewrittenCopy(original, outSeq);
            if (transport.sendRtp(packet)) {
                transport.metrics().retransmissions.increment();
            }
        }
        transport.flush();
    }

    private ByteBuf rewrittenCopy(ByteBuf original, int outSeq) {
        ByteBuf out = RtpRewriter.copyWithExtensions(transport.alloc(), original, extensionsFrom, extensionsTo,
                SrtpSession.MAX_TRAILER);
        RtpHeader.setSsrc(out, ssrc);
        RtpHeader.setPayloadType(out, payloadType);
        RtpHeader.setSequenceNumber(out, outSeq);
        RtpHeader.setTimestamp(out, (RtpHeader.timestamp(original) + tsDelta) & 0xFFFFFFFFL);
        return out;
    }

    void onKeyframeRequest() {
        producer.requestKeyframe();
    }

    /** Called when the subscriber's transport connects: start from a keyframe. */
    void onTransportConnected() {
        if (producer.kind() == MediaKind.VIDEO) {
            waitingForKeyframe = true;
            producer.requestKeyframe();
        }
    }

    /** Translates the publisher's SR (RFC 3550 §6.4.1) into our SSRC and timestamp space, so lip sync holds. */
    void onSenderReport(long ntpTimestamp, long rtpTimestamp) {
        if (!started || closed || !transport.isConnected()) {
            return;
        }
        transport.sendRtcp(RtcpSend.senderReport(transport.alloc(), ssrc, ntpTimestamp,
                (rtpTimestamp + tsDelta) & 0xFFFFFFFFL, packetsSent, octetsSent, producer.ownerId()));
        transport.flush();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.removeConsumer(this);
    }
}
