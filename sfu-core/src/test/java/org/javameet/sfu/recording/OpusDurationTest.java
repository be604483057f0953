package org.javameet.sfu.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Opus packet duration a track writer spaces audio frames by (RFC 6716 §3.1 TOC byte). */
class OpusDurationTest {
    private static byte toc(int config, int code) {
        return (byte) (config << 3 | code);
    }

    @Test
    void durationsFromTheTocByte() {
        assertEquals(20, TrackWriter.opusDurationMs(new byte[] {toc(31, 0), 1, 2})); // CELT FB 20 ms, one frame
        assertEquals(40, TrackWriter.opusDurationMs(new byte[] {toc(1, 1), 1, 2}));  // SILK NB 20 ms, two frames
        assertEquals(60, TrackWriter.opusDurationMs(new byte[] {toc(3, 0)}));         // SILK NB 60 ms
        assertEquals(20, TrackWriter.opusDurationMs(new byte[] {toc(13, 0)}));        // hybrid SWB 20 ms
        assertEquals(2, TrackWriter.opusDurationMs(new byte[] {toc(16, 0)}));         // CELT 2.5 ms, whole ms down
        assertEquals(30, TrackWriter.opusDurationMs(new byte[] {toc(18, 3), 3}));     // CELT 10 ms × 3 (code 3)
        assertEquals(20, TrackWriter.opusDurationMs(new byte[0]));                    // nothing to read: 20 ms
    }
}
