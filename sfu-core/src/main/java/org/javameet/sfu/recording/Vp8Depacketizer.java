package org.javameet.sfu.recording;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import org.javameet.sfu.rtp.RtpHeader;
import org.javameet.sfu.rtp.SequenceNumbers;
import org.javameet.sfu.rtp.Vp8;

/**
 * Reassembles VP8 frames from RTP (RFC 7741 §4): a frame starts at a packet with S=1, PID=0, runs over
 * consecutive sequence numbers with one RTP timestamp, and ends at the marker bit. A gap breaks the frame in
 * progress and, since later inter frames reference what was lost, everything up to the next keyframe is
 * dropped too (counted) rather than written as garbage a player would show as smear.
 *
 * <p>Packets must come in sequence order (the recorder is fed after the router's NACK repair). One thread.
 */
public final class Vp8Depacketizer {
    /** Larger frames are refused: a 4K keyframe is well under this; more is an attack or a bug. */
    static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

    /** A complete frame: the VP8 bitstream of one picture. */
    public record Frame(long rtpTimestamp, boolean keyframe, byte[] data) {
    }

    private ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private boolean inFrame;
    private boolean frameIsKey;
    private long frameTimestamp;
    private int nextSeq = -1;
    private boolean waitingForKeyframe = true;
    private long framesDropped;
    /** No frame was returned yet: what is dropped until the first keyframe is the start, not loss. */
    private boolean started;
    private long framesBeforeFirstKeyframe;

    /**
     * Takes one RTP packet (not released: the caller owns it) and returns the frame it completes, or null.
     */
    public Frame push(ByteBuf rtp) {
        int descriptor = Vp8.descriptorLength(rtp);
        if (descriptor < 0) {
            abandonFrame();
            return null;
        }
        int seq = RtpHeader.sequenceNumber(rtp);
        long ts = RtpHeader.timestamp(rtp);
        boolean gap = nextSeq >= 0 && seq != nextSeq;
        nextSeq = SequenceNumbers.add(seq, 1);
        if (gap) {
            abandonFrame();
        }
        if (Vp8.isStartOfFrame(rtp)) {
            if (inFrame) {
                abandonFrame(); // the previous frame never saw its marker
            }
            inFrame = true;
            frameIsKey = Vp8.isKeyframe(rtp);
            frameTimestamp = ts;
            frame.reset();
        } else if (!inFrame || ts != frameTimestamp) {
            abandonFrame();
            return null;
        }
        int start = rtp.readerIndex() + RtpHeader.headerLength(rtp) + descriptor;
        int length = RtpHeader.payloadLength(rtp) - descriptor;
        if (frame.size() + length > MAX_FRAME_BYTES) {
            abandonFrame();
            return null;
        }
        byte[] bytes = new byte[length];
        rtp.getBytes(start, bytes);
        frame.writeBytes(bytes);
        if (!RtpHeader.marker(rtp)) {
            return null;
        }
        inFrame = false;
        if (waitingForKeyframe && !frameIsKey) {
            if (started) {
                framesDropped++;
            } else {
                framesBeforeFirstKeyframe++;
            }
            return null;
        }
        waitingForKeyframe = false;
        started = true;
        return new Frame(frameTimestamp, frameIsKey, frame.toByteArray());
    }

    private void abandonFrame() {
        if (inFrame && !started && !frameIsKey) {
            framesBeforeFirstKeyframe++; // an inter frame: it would have waited for the first keyframe anyway
        } else if (inFrame || !waitingForKeyframe) {
            framesDropped++;
        }
        if (frame.size() > 1024 * 1024) {
            frame = new ByteArrayOutputStream(); // give back what an oversized frame grew
        } else {
            frame.reset();
        }
        inFrame = false;
        waitingForKeyframe = true;
    }

    /** True while frames are dropped until a keyframe: the recorder asks the publisher for one. */
    public boolean waitingForKeyframe() {
        return waitingForKeyframe;
    }

    /** Frames not written after the first keyframe: broken by loss, or inter frames until the next keyframe. */
    public long framesDropped() {
        return framesDropped;
    }

    /** Inter frames (and broken ones) before the first keyframe: the stream joined mid-way, nothing was lost. */
    public long framesBeforeFirstKeyframe() {
        return framesBeforeFirstKeyframe;
    }
}
