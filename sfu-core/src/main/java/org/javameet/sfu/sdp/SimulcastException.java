package org.javameet.sfu.sdp;

/**
 * An offer's simulcast the SFU will not receive: more layers than it keeps, rids it cannot tell apart on the
 * wire (no rtp-stream-id header extension), a layer without its {@code a=rid} line. Its own type so the
 * refusal has its own name and counter ({@code bad-simulcast}), apart from SDP that does not parse.
 */
public final class SimulcastException extends SdpException {
    public SimulcastException(String message) {
        super(message);
    }
}
