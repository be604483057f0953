package org.javameet.peer;

/**
 * What a synthetic microphone "says", as RFC 6464 levels on its Opus packets: the server's dominant speaker
 * detection hears only these.
 */
public enum Voice {
    /** The default: 2 s of voice at -30 dBov, then 1 s of silence, over and over (every participant "talks"). */
    PATTERN,
    /** Talking: syllables of 240 ms at -25 dBov with 60 ms pauses at -100 dBov between them, as speech has. */
    SPEAKING,
    /** A quiet room: digital silence (127), as a muted browser track sends. */
    SILENT;

    /** The level in -dBov of the packet sent at {@code millis} since the stream started. */
    int level(long millis) {
        return switch (this) {
            case PATTERN -> (millis / 1000) % 3 != 2 ? 30 : 127;
            case SPEAKING -> millis % 300 < 240 ? 25 : 100;
            case SILENT -> 127;
        };
    }
}
