package org.javameet.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.SequenceNumbers;
import org.javameet.sfu.rtp.Vp8;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * Receive state of one m-line of the subscribe connection (or of one SSRC the receiver learned): sequence
 * tracking with a 1024-packet window (gaps, duplicates, reordering, recovery by RTX), keyframes, the embedded
 * {@link MediaStamp} (latency and the SFU's rewriting offsets) and the last sender report. Loop only;
 * {@link #snapshot} copies it out.
 *
 * <h2>Window counts (the load harness's figures)</h2>
 * Only packets whose stamp was sent inside the runtime's {@link MeasurementWindow} count, whenever they arrive,
 * and every server's retransmissions count alike: an <em>arrival</em> is any media packet, on the primary SSRC
 * or the RTX one; it is <em>delivered</em> when its sequence number is new (so a repaired gap counts once and a
 * duplicate never); it is a <em>retransmission</em> when it came on the RTX stream, or on the primary stream
 * late (filling a gap) or again. Latency samples are of delivered packets.
 */
final class InboundTrack {
    private static final int LATENCY_SAMPLES = 4096;

    final String mid;
    final MediaKind kind;
    String participantId;
    /** The received track's id (the offer's a=msid), what {@code tileSizes} names. */
    String trackId;
    boolean active;
    long ssrc;
    long rtxSsrc;
    int primaryPayloadType;
    int rtxPayloadType;

    private long packets;
    private long bytes;
    private long lastSsrc;
    private int lastPayloadType = -1;
    private final ReceiveWindow sequence = new ReceiveWindow();
    private long keyframes;
    /** Packets after a pause of the stream ({@link #RESUME_GAP_NANOS} or more without one), and those of them that began a keyframe. */
    private long resumes;
    private long resumesAtKeyframe;
    static final long RESUME_GAP_NANOS = 500_000_000L;
    private Boolean firstPacketKeyframe;
    private long firstPacketNanos;
    private long lastPacketNanos;
    private long retransmissions;
    private final ArrayDeque<Integer> recentOsns = new ArrayDeque<>();
    long nacksSent;
    long plisSent;
    long lastPliNanos;
    private long unknownSenderIds;
    private int lastSenderId;
    private boolean offsetsKnown;
    private int seqOffset;
    private long tsOffset;
    private long offsetChanges;
    private long senderReports;
    private long lastSrSsrc;
    private long lastSrNtp;
    private long lastSrRtp;
    private final long[] latency = new long[LATENCY_SAMPLES];
    private int latencyCount;
    private final MeasurementWindow window;
    private long windowArrivals;
    private long windowDelivered;
    private long windowRetransmissions;
    /** RTP bytes (header and payload, after SRTP) of the window's arrivals: the receiver's delivered bitrate. */
    private long windowBytes;
    /** Which layer the SFU forwarded when, for video (the load harness's simulcast accounting). */
    private final ForwardedRuns runs;
    // continuity of the stream as the receiver sees it, from packets that arrive in order (a new highest number)
    private long lastInOrderTimestamp = -1;
    private int lastPictureId = -1;
    private long timestampBackwards;
    private long pictureIdJumps;
    private long offsetChangesAtKeyframe;
    private int keyframeWidth;
    private int keyframeHeight;
    /** The RTP timestamp of the keyframe keyframeWidth/Height come from, once there is one. */
    private long keyframeTimestamp;
    private boolean keyframeSizeSeen;

    InboundTrack(ClientSdp.OfferedTrack t, MeasurementWindow window) {
        this.mid = t.mid();
        this.kind = t.kind();
        this.window = window;
        this.runs = new ForwardedRuns(window);
        update(t);
    }

    void update(ClientSdp.OfferedTrack t) {
        active = t.active();
        if (t.streamId() != null) {
            participantId = t.streamId();
        }
        if (t.trackId() != null) {
            trackId = t.trackId();
        }
        if (t.ssrc() != 0) {
            ssrc = t.ssrc();
            rtxSsrc = t.rtxSsrc();
        }
        int pt = t.payloadType(kind == MediaKind.VIDEO ? "VP8" : "opus");
        if (pt >= 0) {
            primaryPayloadType = pt;
        }
        rtxPayloadType = t.payloadType("rtx");
    }

    boolean hasData() {
        return sequence.started();
    }

    /** What the receiver should do after a packet: the missing sequence numbers to NACK, a PLI. */
    record Reaction(int[] nack, boolean pli) {
        static final Reaction NONE = new Reaction(null, false);
    }

    /** A decrypted media packet on {@link #ssrc}. */
    Reaction onMedia(ByteBuf p, long nowNanos, int expectedSenderId) {
        packets++;
        bytes += RtpHeader.payloadLength(p);
        lastSsrc = RtpHeader.ssrc(p);
        lastPayloadType = RtpHeader.payloadType(p);
        boolean video = kind == MediaKind.VIDEO;
        boolean keyframe = video && Vp8.isKeyframe(p);
        if (lastPacketNanos != 0 && nowNanos - lastPacketNanos >= RESUME_GAP_NANOS) {
            resumes++; // e.g. the server's last-N resumed this video, or a camera came back on
            if (keyframe) {
                resumesAtKeyframe++;
            }
        }
        lastPacketNanos = nowNanos;
        if (keyframe) {
            keyframes++;
            noteKeyframeSize(p);
        }
        if (firstPacketNanos == 0) {
            firstPacketNanos = nowNanos;
            firstPacketKeyframe = video ? keyframe : null;
        }
        int seq = RtpHeader.sequenceNumber(p);
        long distinctBefore = sequence.distinct();
        long lateBefore = sequence.late();
        long highestBefore = sequence.started() ? sequence.highest() : Long.MIN_VALUE;
        int[] missing = sequence.track(seq, false);
        boolean inOrder = sequence.highest() > highestBefore;
        if (inOrder) {
            checkContinuity(p, video);
        }
        boolean delivered = sequence.distinct() > distinctBefore;
        boolean again = !delivered || sequence.late() > lateBefore;

        int at = video ? Vp8Packetizer.stampOffset(p) : OpusPacketizer.stampOffset(p);
        MediaStamp stamp = MediaStamp.read(p, at);
        if (stamp != null) {
            lastSenderId = stamp.senderId();
            if (expectedSenderId != 0 && stamp.senderId() != expectedSenderId) {
                unknownSenderIds++;
            }
            countInWindow(stamp, nowNanos, delivered, again, p.readableBytes());
            if (inOrder && video) {
                runs.onInOrder(sequence.highest(), stamp);
            }
            int so = SequenceNumbers.forwardDistance(stamp.originalSeq(), seq);
            long to = (RtpHeader.timestamp(p) - stamp.originalTimestamp()) & 0xFFFFFFFFL;
            if (!offsetsKnown) {
                offsetsKnown = true;
                seqOffset = so;
                tsOffset = to;
            } else if (so != seqOffset || to != tsOffset) {
                offsetChanges++; // the SFU now forwards another stream: a simulcast layer switch, a resume
                if (keyframe) {
                    offsetChangesAtKeyframe++;
                }
                seqOffset = so;
                tsOffset = to;
            }
        }
        boolean pli = video && keyframes == 0 && nowNanos - lastPliNanos > 500_000_000L;
        return missing == null && !pli ? Reaction.NONE : new Reaction(missing, pli);
    }

    /**
     * A packet in order: its RTP timestamp must not go back, and a frame's PictureID must be the previous frame's
     * plus one (15 bits), whatever the SFU switched between; a lost frame shows as a jump too.
     */
    private void checkContinuity(ByteBuf p, boolean video) {
        long ts = RtpHeader.timestamp(p);
        if (lastInOrderTimestamp >= 0 && (int) (ts - lastInOrderTimestamp) < 0) {
            timestampBackwards++;
        }
        lastInOrderTimestamp = ts;
        if (video && Vp8.isStartOfFrame(p)) {
            int pid = Vp8.pictureId(p);
            if (pid >= 0) {
                if (lastPictureId >= 0 && ((pid - lastPictureId) & 0x7FFF) != 1) {
                    pictureIdJumps++;
                }
                lastPictureId = pid;
            }
        }
    }

    /** A decrypted RTX packet on {@link #rtxSsrc} (RFC 4588: the first two payload bytes are the OSN). */
    void onRtx(ByteBuf p) {
        int at = p.readerIndex() + RtpHeader.headerLength(p);
        if (RtpHeader.payloadLength(p) < 2) {
            return;
        }
        int osn = p.getUnsignedShort(at);
        retransmissions++;
        recentOsns.addLast(osn);
        if (recentOsns.size() > 32) {
            recentOsns.removeFirst();
        }
        long distinctBefore = sequence.distinct();
        sequence.track(osn, true);
        boolean delivered = sequence.distinct() > distinctBefore;
        boolean video = kind == MediaKind.VIDEO;
        ByteBuf original = original(p);
        if (original == null) {
            return;
        }
        // a keyframe's first packet repaired by RTX is a keyframe received, as a decoder sees it (the first
        // packet of a layer switch may be the one a capped downlink dropped)
        if (video && delivered && Vp8.isKeyframe(original)) {
            keyframes++;
            noteKeyframeSize(original);
        }
        int stampAt = video ? Vp8Packetizer.stampOffset(original) : OpusPacketizer.stampOffset(original);
        MediaStamp stamp = MediaStamp.read(original, stampAt);
        if (stamp != null) {
            countInWindow(stamp, System.nanoTime(), delivered, true, p.readableBytes());
        }
    }

    /** The window counts of one arrival (see the class comment). */
    private void countInWindow(MediaStamp stamp, long nowNanos, boolean delivered, boolean retransmission,
                               int bytes) {
        if (!window.contains(stamp.sendNanos())) {
            return;
        }
        windowArrivals++;
        windowBytes += bytes;
        if (delivered) {
            windowDelivered++;
            latency[latencyCount++ % LATENCY_SAMPLES] = nowNanos - stamp.sendNanos();
        }
        if (retransmission) {
            windowRetransmissions++;
        }
    }

    /**
     * The size a keyframe's first packet announces becomes the track's, unless an older keyframe's packet (a late
     * repair) comes after a newer one: RTP timestamps, continuous across the server's layer switches, decide.
     */
    private void noteKeyframeSize(ByteBuf p) {
        int dims = Vp8.keyframeDimensions(p);
        long ts = RtpHeader.timestamp(p);
        if (dims <= 0 || keyframeSizeSeen && (int) (ts - keyframeTimestamp) < 0) {
            return;
        }
        keyframeSizeSeen = true;
        keyframeTimestamp = ts;
        keyframeWidth = dims >>> 16;
        keyframeHeight = dims & 0xFFFF;
    }

    /** The packet an RTX packet carries, rebuilt (header, payload after the OSN); null when it carries none. */
    private static ByteBuf original(ByteBuf rtx) {
        int h = RtpHeader.headerLength(rtx);
        int payload = RtpHeader.payloadLength(rtx) - 2;
        if (payload <= 0) {
            return null;
        }
        ByteBuf original = Unpooled.buffer(h + payload);
        original.writeBytes(rtx, rtx.readerIndex(), h);
        original.setByte(0, original.getByte(0) & ~0x20); // padding, if any, is not copied
        original.writeBytes(rtx, rtx.readerIndex() + h + 2, payload);
        return original;
    }

    void onSenderReport(long senderSsrc, long ntp, long rtpTs) {
        senderReports++;
        lastSrSsrc = senderSsrc;
        lastSrNtp = ntp;
        lastSrRtp = rtpTs;
    }

    long lost() {
        return sequence.lost();
    }

    long extendedHighestSeq() {
        return sequence.highest();
    }

    long lastSenderReportNtp() {
        return lastSrNtp;
    }

    RemoteTrackStats snapshot() {
        int n = Math.min(latencyCount, LATENCY_SAMPLES);
        long[] samples = new long[n];
        System.arraycopy(latency, 0, samples, 0, n);
        List<Integer> osns = new ArrayList<>(recentOsns);
        return new RemoteTrackStats(mid, participantId, kind, active, ssrc, rtxSsrc, lastSsrc, lastPayloadType,
                packets, bytes, lost(), sequence.duplicates(), sequence.late(), keyframes, firstPacketKeyframe, firstPacketNanos,
                lastPacketNanos, retransmissions, List.copyOf(osns), nacksSent, plisSent, unknownSenderIds,
                lastSenderId, seqOffset, tsOffset, offsetChanges, senderReports, lastSrSsrc, lastSrNtp, lastSrRtp,
                sequence.highest(), windowArrivals, windowDelivered, windowRetransmissions, samples, resumes,
                resumesAtKeyframe, timestampBackwards, pictureIdJumps, offsetChangesAtKeyframe, keyframeWidth,
                keyframeHeight, windowBytes, runs.runs());
    }
}
