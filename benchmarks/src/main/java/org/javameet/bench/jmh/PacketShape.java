package org.javameet.bench.jmh;

/** The two packet shapes of a call: a full video packet and an Opus frame. */
public enum PacketShape {
    /** 1,200 bytes on the wire before SRTP: VP8, abs-send-time + transport-cc. */
    VIDEO(1200, 96, false),
    /** 100 bytes before SRTP: Opus 20 ms, audio-level + abs-send-time + transport-cc. */
    AUDIO(100, 111, true);

    final int length;
    final int payloadType;
    final boolean audioLevel;

    PacketShape(int length, int payloadType, boolean audioLevel) {
        this.length = length;
        this.payloadType = payloadType;
        this.audioLevel = audioLevel;
    }
}
