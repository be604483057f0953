package org.javameet.signaling.recording;

/** A recording that cannot start; {@code code} is the protocol's error code (docs/protocol.md, "Recording"). */
public final class RecordingException extends Exception {
    private final String code;

    public RecordingException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
