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
            "server fwd pps", "retransmits", "loss %", "delivered %", "latency p50 / p95 / p99 ms", "jitter ms",
            "join p50 ms", "NACK / PLI sent", "SFU CPU %", "harness CPU %", "SFU RSS MB", "CPU-s per M packets",
            "x baseline", "x baseline-gcm"};

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
        String paths = pathTable(results);
        if (!paths.isEmpty()) {
            sb.append('\n').append(paths);
        }
        String receivers = receiverTable(results);
        if (!receivers.isEmpty()) {
            sb.append('\n').append(receivers);
        }
        for (String note : notes(results)) {
            sb.append('\n').append(note).append('\n');
        }
        return sb.toString();
    }

    /** The second table, for runs that mixed UDP and TCP participants ({@code --tcp-share}). */
    static final String[] PATH_HEADER = {"target", "rooms x participants", "receivers over", "receivers",
            "forwarded pps", "delivered %", "loss %", "latency p50 / p95 / p99 / max ms", "CPU-s per M packets (whole run)"};

    /** The second table in Markdown; empty when no run mixed paths. */
    static String pathTable(List<StepResult> results) {
        List<String[]> rows = pathRows(results);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", PATH_HEADER)).append(" |\n|");
        sb.append("---|".repeat(PATH_HEADER.length)).append('\n');
        for (String[] row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    /**
     * Delivery and latency of each group of receivers of the runs that mixed paths, beside the whole run's CPU per
     * packet (one server process: its CPU is not split by path).
     */
    static List<String[]> pathRows(List<StepResult> results) {
        List<String[]> rows = new java.util.ArrayList<>();
        for (StepResult r : results) {
            for (StepResult.PathFigures p : r.byPath()) {
                rows.add(new String[] {r.target(), r.rooms() + " x " + r.participantsPerRoom(), p.path(),
                        Integer.toString(p.receivers()), f0(p.forwardedPps()), f1(p.deliveryPercent()),
                        f2(p.lossPercent()), f2(p.latencyMsP50()) + " / " + f2(p.latencyMsP95()) + " / "
                                + f2(p.latencyMsP99()) + " / " + f2(p.latencyMsMax()), f2(r.cpuSecondsPerMillion())});
            }
        }
        return rows;
    }

    /** The receivers' table, for runs with simulcast publishers or capped receivers. */
    static final String[] RECEIVER_HEADER = {"target", "rooms x participants", "receiver", "downlink cap kbit/s",
            "delivered kbit/s", "loss %", "layers at end", "time on each layer", "switches",
            "server estimate kbit/s (mean / last)", "dropped by the cap"};

    /** The receivers' table in Markdown, capped receivers first in each run; empty when no run had one. */
    static String receiverTable(List<StepResult> results) {
        List<String[]> rows = receiverRows(results);
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", RECEIVER_HEADER)).append(" |\n|");
        sb.append("---|".repeat(RECEIVER_HEADER.length)).append('\n');
        for (String[] row : rows) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    /** One row per receiver of each run that has them; capped and uncapped side by side (capped first). */
    static List<String[]> receiverRows(List<StepResult> results) {
        List<String[]> rows = new java.util.ArrayList<>();
        for (StepResult r : results) {
            List<StepResult.ReceiverFigures> sorted = new java.util.ArrayList<>(r.receivers());
            sorted.sort(java.util.Comparator.comparingLong(f -> f.capKbps() > 0 ? 0 : 1));
            for (StepResult.ReceiverFigures f : sorted) {
                rows.add(new String[] {r.target() + (r.simulcastLayers() > 1 ? " (simulcast " + r.simulcastLayers() + ")" : ""),
                        r.rooms() + " x " + r.participantsPerRoom(), f.name(),
                        f.capKbps() > 0 ? Long.toString(f.capKbps()) : "–", f0(f.deliveredKbps()),
                        f2(f.lossPercent()), f.layersAtEnd(), f.layerTime(), Integer.toString(f.switches()),
                        f0(f.estimateKbps()) + " / " + f0(f.estimateLastKbps()),
                        f.capKbps() > 0 ? Long.toString(f.capDropped()) : "–"});
            }
        }
        return rows;
    }

    /** What the table's figures need said beside them: targets' notes, unsteady windows, pinning. */
    static List<String> notes(List<StepResult> results) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (StepResult r : results) {
            if (r.note() != null) {
                out.add(r.target() + ": " + r.note() + ".");
            }
            if (r.joined() > 0 && Double.isNaN(r.steadyAfterSeconds())) {
                out.add(r.target() + " " + r.rooms() + "x" + r.participantsPerRoom()
                        + ": rates never settled; measured anyway.");
            }
            if (r.unsteadyWindowSeconds() > 0) {
                out.add(r.target() + " " + r.rooms() + "x" + r.participantsPerRoom() + ": rates unsteady in "
                        + r.unsteadyWindowSeconds() + " of " + Math.round(r.windowSeconds())
                        + " window seconds (a starved harness or target); treat its figures as disturbed.");
            }
            out.add("Pinning: " + r.pinning() + ".");
        }
        return List.copyOf(out);
    }

    static List<String[]> rows(List<StepResult> results) {
        return results.stream().map(r -> row(r, results)).toList();
    }

    private static String[] row(StepResult r, List<StepResult> all) {
        if (r.error() != null && r.joined() == 0) {
            String[] row = new String[HEADER.length];
            java.util.Arrays.fill(row, "");
            row[0] = r.target();
            row[1] = r.rooms() + " x " + r.participantsPerRoom();
            row[2] = "failed: " + r.error();
            return row;
        }
        double ratio = ratioTo(Target.BASELINE, r, all);
        double ratioGcm = ratioTo(Target.BASELINE_GCM, r, all);
        return new String[] {r.target(),
                r.rooms() + " x " + r.participantsPerRoom() + " (" + r.publishersPerRoom() + ")"
                        + (r.joined() < r.participants() ? " " + r.joined() + "/" + r.participants() + " joined" : ""),
                f0(r.forwardedPps()), f0(r.serverForwardedPps()), Long.toString(r.retransmissionsReceived()),
                f2(r.lossPercent()), f1(r.deliveryPercent()),
                f2(r.latencyMsP50()) + " / " + f2(r.latencyMsP95()) + " / " + f2(r.latencyMsP99()), f2(r.jitterMs()),
                f0(r.joinMsP50()), r.nacksSent() + " / " + r.plisSent(), f1(r.sfuCpuPercent()),
                f1(r.harnessCpuPercent()), f0(r.sfuRssMbMax()), f2(r.cpuSecondsPerMillion()),
                Double.isNaN(ratio) ? "" : f2(ratio), Double.isNaN(ratioGcm) ? "" : f2(ratioGcm)};
    }

    /** This run's CPU per million packets over a baseline's at the same step; NaN without one. */
    static double ratioTo(Target baseline, StepResult r, List<StepResult> all) {
        for (StepResult b : all) {
            if (b.target().equals(baseline.label()) && b.rooms() == r.rooms()
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
