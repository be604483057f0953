package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JoinStagesTest {
    private static Map<String, Long> steps(long joinedMs, Integer dtlsMs) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("joined", joinedMs * 1_000_000);
        if (dtlsMs != null) {
            m.put("subscribe.dtlsConnected", dtlsMs * 1_000_000L);
        }
        return m;
    }

    @Test
    void percentilesPerStepOverTheParticipantsThatReachedIt() {
        JoinStages s = JoinStages.of(List.of(steps(10, 100), steps(30, null), steps(20, 300), steps(40, 200)),
                new double[] {250, 400, 500});
        assertEquals(List.of("joined", "subscribe.dtlsConnected", "firstMediaPacket (per pair)"), List.copyOf(s.steps().keySet()));
        assertArrayEquals(new double[] {20, 40, 40, 4}, s.steps().get("joined"));
        assertArrayEquals(new double[] {200, 300, 300, 3}, s.steps().get("subscribe.dtlsConnected"));
        assertEquals(250, s.steps().get("firstMediaPacket (per pair)")[0]);
        assertTrue(s.describe().contains("subscribe.dtlsConnected"), s.describe());
    }

    @Test
    void targetsWithoutStepsHaveNone() {
        assertTrue(JoinStages.of(List.of(), new double[] {5, 6, 7}).steps().isEmpty());
    }
}
