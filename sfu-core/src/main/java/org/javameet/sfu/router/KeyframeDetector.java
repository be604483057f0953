package org.javameet.sfu.router;

import io.netty.buffer.ByteBuf;

/** Tells whether an RTP packet starts a keyframe, for the codec a consumer forwards (VP8: {@code Vp8::isKeyframe}). */
@FunctionalInterface
public interface KeyframeDetector {
    boolean isKeyframe(ByteBuf rtp);
}
