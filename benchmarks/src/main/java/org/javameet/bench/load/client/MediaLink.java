package org.javameet.bench.load.client;

import io.netty.buffer.ByteBuf;

/** Where the harness's media engine writes RTP and RTCP (plain UDP to the relay, or SRTP to Janus). */
public interface MediaLink {
    /** Sends (encrypting when the link does); takes ownership. Called on the participant's loop. */
    void sendRtp(ByteBuf packet);

    void sendRtcp(ByteBuf packet);
}
