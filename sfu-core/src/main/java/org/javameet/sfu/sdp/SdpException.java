package org.javameet.sfu.sdp;

/** An SDP that cannot be used: the message names the line or attribute at fault. */
public class SdpException extends Exception {
    public SdpException(String message) {
        super(message);
    }
}
