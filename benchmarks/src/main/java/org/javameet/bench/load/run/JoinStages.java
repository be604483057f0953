package org.javameet.bench.load.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the emulated participants' joins went, step by step (the steps of peer-client's
 * {@link org.javameet.peer.JoinTimeline}, the same the browser test prints for Chromium): for each step, p50, p95
 * and max of milliseconds since each participant's own join start, over the participants that reached it.
 * The first media packet is the run's per-pair join time ({@link WindowMath}), which counts from the later of
 * receiver's and publisher's join starts.
 *
 * @param steps step → {p50, p95, max, participants}, in the order steps happen
 */
public record JoinStages(Map<String, double[]> steps) {
    public static final JoinStages NONE = new JoinStages(Map.of());

    /** @param perParticipant each participant's steps, nanoseconds since its join start */
    static JoinStages of(List<Map<String, Long>> perParticipant, double[] firstMediaMs) {
        Map<String, List<Long>> byStep = new LinkedHashMap<>();
        for (Map<String, Long> p : perParticipant) {
            p.forEach((step, nanos) -> byStep.computeIfAbsent(step, k -> new ArrayList<>()).add(nanos));
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        byStep.forEach((step, values) -> {
            long[] sorted = Percentiles.sorted(values.stream().mapToLong(Long::longValue).toArray());
            out.put(step, new double[] {Percentiles.quantile(sorted, 0.5) / 1e6, Percentiles.quantile(sorted, 0.95) / 1e6,
                    sorted[sorted.length - 1] / 1e6, sorted.length});
        });
        if (!out.isEmpty() && firstMediaMs != null && !Double.isNaN(firstMediaMs[0])) {
            out.put("firstMediaPacket (per pair)", new double[] {firstMediaMs[0], firstMediaMs[1], firstMediaMs[2], Double.NaN});
        }
        return new JoinStages(out);
    }

    /** One line per step, for the console: {@code step  p50 / p95 / max ms (n)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        steps.forEach((step, v) -> sb.append(String.format(Locale.ROOT, "  %-30s %8.1f / %8.1f / %8.1f ms%s%n", step,
                v[0], v[1], v[2], Double.isNaN(v[3]) ? "" : String.format(Locale.ROOT, "  (%d)", (long) v[3]))));
        return sb.toString();
    }
}
