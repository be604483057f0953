package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One outgoing RTP stream made of packets from changing sources: a consumer forwarding simulcast layers, or one
 * layer with some of its temporal layers left out. The receiver must see one clean stream, so the sequence
 * number, timestamp and (VP8) PictureID and TL0PICIDX continue across
 * <ul>
 *   <li>a switch to another source ({@link #switchSource}, at a keyframe of the new one): its first packet gets
 *       the sequence number after the last one sent, the timestamp advanced by the wall time elapsed since, the
 *       next PictureID and the next TL0PICIDX (a keyframe is a temporal-layer-0 picture);</li>
 *   <li>a packet left out ({@link #skip}): later packets close up behind it, so the receiver sees no loss to
 *       NACK; a left-out frame likewise takes no PictureID.</li>
 * </ul>
 * Each value is rewritten as {@code out = in + delta} (modulo its width) and only the deltas change. What was
 * sent under each outgoing sequence number is remembered ({@link #HISTORY} packets) so a retransmission carries
 * exactly those values even after later switches. Sources are told apart only by the caller; the rewriter sees
 * packets. Not thread-safe: one consumer's, media loop only.
 */
public final class StreamRewriter {
    /** Outgoing packets remembered for retransmissions: more than the producer's packet cache holds. */
    public static final int HISTORY = 1024;

    private final int clockRate;
    /** Only a VP8 stream has PictureID and TL0PICIDX to continue; another codec's payload is never touched. */
    private final boolean vp8;
    private boolean started;
    private int source = -1;

    private int seqDelta;
    /** The newest incoming sequence number of the current source (forwarded or skipped). */
    private int highestInSeq;
    /** Incoming sequence numbers older than this belong to a previous delta: too late to send. */
    private int deltaValidFrom;
    private int lastOutSeq;

    private long tsDelta;
    private long lastOutTs;
    private long lastOutNanos;

    private int pictureIdDelta;
    private int lastOutPictureId = -1;
    /** The newest incoming PictureID of the current source, forwarded or skipped, or -1. */
    private int lastInPictureId = -1;
    private int tl0Delta;
    private int lastOutTl0 = -1;

    private final int[] sentOutSeq = new int[HISTORY];
    private final int[] sentInSeq = new int[HISTORY];
    private final int[] sentSource = new int[HISTORY];
    private final long[] sentTs = new long[HISTORY];
    private final int[] sentPictureId = new int[HISTORY];
    private final int[] sentTl0 = new int[HISTORY];

    /**
     * @param clockRate the codec's RTP clock rate, to advance the timestamp by wall time at a switch
     * @param vp8 whether payloads are VP8 (RFC 7741), whose PictureID and TL0PICIDX are rewritten too
     */
    public StreamRewriter(int clockRate, boolean vp8) {
        this.clockRate = clockRate;
        this.vp8 = vp8;
        java.util.Arrays.fill(sentOutSeq, -1);
    }

    /** The source whose packets are being sent, or -1 before the first. */
    public int source() {
        return source;
    }

    /** The newest timestamp sent (what padding on the stream's RTX carries, as libwebrtc's does). */
    public long lastTimestamp() {
        return lastOutTs;
    }

    /** What {@code out = in + delta} adds to the current source's timestamps (for translating its sender reports). */
    public long timestampDelta() {
        return tsDelta;
    }

    /**
     * From {@code first} on, packets come from {@code sourceId}; {@code first} (not yet rewritten) continues the
     * stream right after the last packet sent. The first source ever gets random sequence number and timestamp
     * bases (RFC 3550 §5.1).
     */
    public void switchSource(int sourceId, ByteBuf first, long nowNanos) {
        int seq = RtpHeader.sequenceNumber(first);
        long ts = RtpHeader.timestamp(first);
        if (!started) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            seqDelta = SequenceNumbers.forwardDistance(seq, r.nextInt(0x8000));
            tsDelta = (r.nextInt() & 0xFFFFFFFFL) - ts;
            lastOutTs = (ts + tsDelta) & 0xFFFFFFFFL; // what later timestamps are compared with
            lastOutNanos = nowNanos;
            started = true;
        } else {
            seqDelta = SequenceNumbers.forwardDistance(seq, SequenceNumbers.add(lastOutSeq, 1));
            long elapsed = Math.max(1, (nowNanos - lastOutNanos) * clockRate / 1_000_000_000L);
            tsDelta = (lastOutTs + elapsed - ts) & 0xFFFFFFFFL;
        }
        highestInSeq = SequenceNumbers.add(seq, -1);
        deltaValidFrom = seq;
        long info = vp8 ? Vp8Descriptor.parse(first) : Vp8Descriptor.INVALID;
        int pictureId = Vp8Descriptor.hasPictureId(info) ? Vp8Descriptor.pictureId(info) : -1;
        pictureIdDelta = pictureId < 0 || lastOutPictureId < 0 ? 0 : lastOutPictureId + 1 - pictureId;
        // (a switch between a 7-bit and a 15-bit source keeps only the low 7 bits continuous)
        lastInPictureId = -1;
        int tl0 = Vp8Descriptor.hasTl0PicIdx(info) ? Vp8Descriptor.tl0PicIdx(info) : -1;
        tl0Delta = tl0 < 0 || lastOutTl0 < 0 ? 0 : lastOutTl0 + 1 - tl0;
        source = sourceId;
    }

    /**
     * Rewrites {@code packet} (a copy of the current source's packet, for this stream) in place: sequence
     * number, timestamp, PictureID and TL0PICIDX. False when it must not be sent: it predates the last switch
     * or skip, so its outgoing number may already be taken.
     */
    public boolean rewrite(ByteBuf packet, long nowNanos) {
        if (source < 0) {
            throw new IllegalStateException("rewrite before the first switchSource");
        }
        int seq = RtpHeader.sequenceNumber(packet);
        if (SequenceNumbers.isNewer(deltaValidFrom, seq)) {
            return false;
        }
        int outSeq = SequenceNumbers.add(seq, seqDelta);
        long outTs = (RtpHeader.timestamp(packet) + tsDelta) & 0xFFFFFFFFL;
        if (SequenceNumbers.isNewer(seq, highestInSeq)) {
            highestInSeq = seq;
            lastOutSeq = outSeq;
        }
        if (((outTs - lastOutTs) & 0x80000000L) == 0) { // newer or equal, modulo 2^32
            lastOutTs = outTs;
            lastOutNanos = nowNanos;
        }
        RtpHeader.setSequenceNumber(packet, outSeq);
        RtpHeader.setTimestamp(packet, outTs);
        int outPictureId = -1;
        int outTl0 = -1;
        long info = vp8 ? Vp8Descriptor.parse(packet) : Vp8Descriptor.INVALID;
        int base = packet.readerIndex();
        if (Vp8Descriptor.hasPictureId(info)) {
            boolean longId = Vp8Descriptor.longPictureId(info);
            int mask = longId ? 0x7FFF : 0x7F;
            int in = Vp8Descriptor.pictureId(info);
            if (lastInPictureId < 0 || pictureIdNewer(in, lastInPictureId, mask)) {
                lastInPictureId = in;
            }
            outPictureId = (in + pictureIdDelta) & mask;
            if (longId) {
                packet.setShort(base + Vp8Descriptor.pictureIdOffset(info), 0x8000 | outPictureId);
            } else {
                packet.setByte(base + Vp8Descriptor.pictureIdOffset(info), outPictureId);
            }
            if (lastOutPictureId < 0 || pictureIdNewer(outPictureId, lastOutPictureId, mask)) {
                lastOutPictureId = outPictureId;
            }
        }
        if (Vp8Descriptor.hasTl0PicIdx(info)) {
            outTl0 = (Vp8Descriptor.tl0PicIdx(info) + tl0Delta) & 0xFF;
            packet.setByte(base + Vp8Descriptor.tl0PicIdxOffset(info), outTl0);
            if (lastOutTl0 < 0 || ((outTl0 - lastOutTl0) & 0x80) == 0) {
                lastOutTl0 = outTl0;
            }
        }
        int slot = outSeq % HISTORY;
        sentOutSeq[slot] = outSeq;
        sentInSeq[slot] = seq;
        sentSource[slot] = source;
        sentTs[slot] = outTs;
        sentPictureId[slot] = outPictureId;
        sentTl0[slot] = outTl0;
        return true;
    }

    /**
     * The current source's {@code packet} is left out (a temporal layer above what the receiver gets): the
     * packets after it close up. A packet older than the newest one seen changes nothing (its number was given).
     */
    public void skip(ByteBuf packet) {
        if (source < 0) {
            return;
        }
        int seq = RtpHeader.sequenceNumber(packet);
        if (!SequenceNumbers.isNewer(seq, highestInSeq)) {
            return;
        }
        // every incoming number after highestInSeq up to seq is given up: packets lost before this one and
        // arriving later would land on numbers the next packets take
        seqDelta = SequenceNumbers.forwardDistance(seq, lastOutSeq); // so seq + 1 goes out as lastOutSeq + 1
        highestInSeq = seq;
        deltaValidFrom = SequenceNumbers.add(seq, 1);
        long info = vp8 ? Vp8Descriptor.parse(packet) : Vp8Descriptor.INVALID;
        if (Vp8Descriptor.hasPictureId(info)) {
            int in = Vp8Descriptor.pictureId(info);
            if (lastInPictureId < 0
                    || pictureIdNewer(in, lastInPictureId, Vp8Descriptor.longPictureId(info) ? 0x7FFF : 0x7F)) {
                lastInPictureId = in;
                pictureIdDelta--; // the frame takes no PictureID
            }
        }
    }

    /** The source and incoming sequence number sent as {@code outSeq}, packed as {@code source << 16 | seq}; -1 if forgotten. */
    public long sentAs(int outSeq) {
        int slot = outSeq % HISTORY;
        return sentOutSeq[slot] == outSeq ? (long) sentSource[slot] << 16 | sentInSeq[slot] : -1;
    }

    /**
     * Gives {@code copy} (a copy of the packet once sent as {@code outSeq}) the values it was sent with. False
     * when that packet is forgotten.
     */
    public boolean rewriteRetransmission(ByteBuf copy, int outSeq) {
        int slot = outSeq % HISTORY;
        if (sentOutSeq[slot] != outSeq) {
            return false;
        }
        RtpHeader.setSequenceNumber(copy, outSeq);
        RtpHeader.setTimestamp(copy, sentTs[slot]);
        if (sentPictureId[slot] >= 0) {
            Vp8.setPictureId(copy, sentPictureId[slot]); // only ever set for VP8
        }
        if (sentTl0[slot] >= 0) {
            Vp8.setTl0PicIdx(copy, sentTl0[slot]);
        }
        return true;
    }

    /** PictureID order modulo its width (RFC 7741 §4.2: 7 or 15 bits, wrapping). */
    private static boolean pictureIdNewer(int a, int b, int mask) {
        int d = (a - b) & mask;
        return d != 0 && d <= mask >> 1;
    }

}
