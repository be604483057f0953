package org.javameet.bench.load.report;

import java.util.List;
import java.util.Locale;
import org.javameet.bench.load.run.StepResult;
import org.javameet.bench.load.run.Target;

/** The results as a Markdown table (printed at the end, pasted into docs/performance.md). */
public final class ReportTable {
    private ReportTable() {
    }

    static final String[] HEADER = {"target", "rooms x participants (publishing)", "forwarded pps",
            "server fwd pps", "loss %", "delivered %", "latency p50 / p95 / p99 ms", "jitter ms", "join p50 ms",
            "NACK / PLI sent", "SFU CPU %", "SFU RSS MB", "CPU-s per M packets", "x baseline", "harness CPU %"};

    public static String text(List<StepResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n|");
        for (int i = 0; i < HEADER.length; i++) {
            sb.append("---|");
        }
        sb.append('\n');
        for (String[] row : rows(results)) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    static List<String[]> rows(List<StepResult> results) {
        return results.stream().map(r -> row(r, results)).toList();
    }

    private static String[] row(StepResult r, List<StepResult> all) {
        if (r.error() != null && r.joined() == 0) {
            return new String[] {r.target(), r.rooms() + " x " + r.participantsPerRoom(), "failed: " + r.error(),
                    "", "", "", "", "", "", "", "", "", "", "", ""};
        }
        double ratio = ratioToBaseline(r, all);
        return new String[] {r.target(),
                r.rooms() + " x " + r.participantsPerRoom() + " (" + r.publishersPerRoom() + ")"
                        + (r.joined() < r.participants() ? " " + r.joined() + "/" + r.participants() + " joined" : ""),
                f0(r.forwardedPps()), f0(r.serverForwardedPps()), f2(r.lossPercent()), f1(r.deliveryPercent()),
                f2(r.latencyMsP50()) + " / " + f2(r.latencyMsP95()) + " / " + f2(r.latencyMsP99()), f2(r.jitterMs()),
                f0(r.joinMsP50()), r.nacksSent() + " / " + r.plisSent(), f1(r.sfuCpuPercent()), f0(r.sfuRssMbMax()),
                f2(r.cpuSecondsPerMillion()), Double.isNaN(ratio) ? "" : f2(ratio), f1(r.harnessCpuPercent())};
    }

    /** This run's CPU per million packets over the baseline's at the same step; NaN without one. */
    static double ratioToBaseline(StepResult r, List<StepResult> all) {
        for (StepResult b : all) {
            if (b.target().equals(Target.BASELINE.label()) && b.rooms() == r.rooms()
                    && b.participantsPerRoom() == r.participantsPerRoom() && b.cpuSecondsPerMillion() > 0) {
                return r.cpuSecondsPerMillion() / b.cpuSecondsPerMillion();
            }
        }
        return Double.NaN;
    }

    static String f0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String f2(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }
}
