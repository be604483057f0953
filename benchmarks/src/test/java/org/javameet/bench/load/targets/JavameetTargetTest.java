package org.javameet.bench.load.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JavameetTargetTest {
    @Test
    void recorderQueueFullIsReadFromItsLabelledSample() {
        String metrics = """
                # HELP javameet_media_dropped_packets_total packets dropped, by reason
                javameet_media_dropped_packets_total{reason="stun_unknown_ufrag"} 12.0
                javameet_media_dropped_packets_total{reason="recorder_queue_full",} 345.0
                """;
        assertEquals(345.0, JavameetTarget.queueFullDrops(metrics));
        assertEquals(0.0, JavameetTarget.queueFullDrops("javameet_media_dropped_packets_total{reason=\"x\"} 1.0\n"),
                "never counted: none dropped");
    }
}
