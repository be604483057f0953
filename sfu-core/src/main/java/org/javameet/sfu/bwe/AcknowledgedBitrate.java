package org.javameet.sfu.bwe;

/**
 * What actually got through: bytes received per {@value #WINDOW_MICROS} µs of the receiver's clock. The
 * rate controller decreases to a fraction of this, not of what it hoped to send.
 */
final class AcknowledgedBitrate {
    static final long WINDOW_MICROS = 500_000;

    private long windowStartMicros = Long.MIN_VALUE;
    private long bytes;
    private long bitrate;

    void onPacket(long arrivalMicros, int size) {
        if (windowStartMicros == Long.MIN_VALUE) {
            windowStartMicros = arrivalMicros; // its bytes arrived before the window began
            return;
        }
        bytes += size;
        long span = arrivalMicros - windowStartMicros;
        if (span >= WINDOW_MICROS) {
            bitrate = bytes * 8 * 1_000_000 / span;
            windowStartMicros = arrivalMicros;
            bytes = 0;
        }
    }

    /** bits per second, 0 until the first window closed */
    long bitrate() {
        return bitrate;
    }
}
