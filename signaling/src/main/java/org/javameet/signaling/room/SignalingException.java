package org.javameet.signaling.room;

/** A client request that cannot be carried out; {@code code} is one of docs/protocol.md's error codes. */
public final class SignalingException extends Exception {
    private final String code;

    public SignalingException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
