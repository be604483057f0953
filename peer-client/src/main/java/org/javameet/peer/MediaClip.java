package org.javameet.peer;

import java.util.List;

/**
 * Real encoded media for a participant to send in a loop instead of synthetic frames, so what the server
 * records can be decoded (recording tests). Video: VP8 frames at the participant's frame rate, the first a
 * keyframe; a keyframe request jumps to the next keyframe of the clip. Audio: 20 ms Opus packets.
 */
public record MediaClip(List<byte[]> vp8Frames, List<Boolean> keyframes, List<byte[]> opusPackets) {
    public MediaClip {
        if (vp8Frames.isEmpty() || vp8Frames.size() != keyframes.size() || !keyframes.get(0) || opusPackets.isEmpty()) {
            throw new IllegalArgumentException("a clip needs VP8 frames starting with a keyframe, and Opus packets");
        }
        vp8Frames = List.copyOf(vp8Frames);
        keyframes = List.copyOf(keyframes);
        opusPackets = List.copyOf(opusPackets);
    }
}
