package org.javameet.bench.load.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.javameet.bench.load.run.StepResult;

/** The self-contained HTML report: the table, then charts drawn by {@link Svg}. No external resources. */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(Report report) {
        List<StepResult> rs = report.results();
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
                + "<title>javameet load report</title><style>body{font-family:sans-serif;margin:24px;max-width:1400px}"
                + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;"
                + "text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}.charts{display:flex;"
                + "flex-wrap:wrap;gap:16px}</style></head><body>\n");
        sb.append("<h1>javameet load report</h1>\n<p>").append(Svg.esc(report.finishedAt())).append(" &middot; ")
                .append(Svg.esc(report.machine().summary())).append("</p>\n");
        for (String s : report.scenario()) {
            sb.append("<p><code>").append(Svg.esc(s)).append("</code></p>\n");
        }
        sb.append("<p>Headline: <b>SFU CPU-seconds per million forwarded packets</b> (lower is better), and its ratio"
                + " to the bare UDP fan-out measured in the same invocation.</p>\n<table><tr>");
        for (String h : ReportTable.HEADER) {
            sb.append("<th>").append(Svg.esc(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (String[] row : ReportTable.rows(rs)) {
            sb.append("<tr>");
            for (String c : row) {
                sb.append("<td>").append(Svg.esc(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
        List<String[]> pathRows = ReportTable.pathRows(rs);
        if (!pathRows.isEmpty()) {
            sb.append("<p>Receivers by how their media reaches the server (<code>--tcp-share</code>):</p>\n<table><tr>");
            for (String h : ReportTable.PATH_HEADER) {
                sb.append("<th>").append(Svg.esc(h)).append("</th>");
            }
            sb.append("</tr>\n");
            for (String[] row : pathRows) {
                sb.append("<tr>");
                for (String c : row) {
                    sb.append("<td>").append(Svg.esc(c)).append("</td>");
                }
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
        List<String[]> receiverRows = ReportTable.receiverRows(rs);
        if (!receiverRows.isEmpty()) {
            sb.append("<p>Per receiver (<code>--simulcast</code>, <code>--receiver-cap</code>): what it was forwarded"
                    + " and what the server estimated for it:</p>\n<table><tr>");
            for (String h : ReportTable.RECEIVER_HEADER) {
                sb.append("<th>").append(Svg.esc(h)).append("</th>");
            }
            sb.append("</tr>\n");
            for (String[] row : receiverRows) {
                sb.append("<tr>");
                for (String c : row) {
                    sb.append("<td>").append(Svg.esc(c)).append("</td>");
                }
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
        for (String note : ReportTable.notes(rs)) {
            sb.append("<p>").append(Svg.esc(note)).append("</p>\n");
        }
        sb.append("<div class='charts'>\n");

        Set<String> targets = new LinkedHashSet<>();
        Set<String> steps = new LinkedHashSet<>();
        for (StepResult r : rs) {
            targets.add(r.target());
            steps.add(step(r));
        }
        List<String> cats = new ArrayList<>(steps);
        sb.append(Svg.bars("CPU-seconds per million forwarded packets", "CPU-s / M packets", cats,
                byTarget(rs, targets, cats, StepResult::cpuSecondsPerMillion))).append('\n');

        Map<String, List<double[]>> cpuVsPps = new LinkedHashMap<>();
        for (String t : targets) {
            List<double[]> pts = new ArrayList<>();
            for (StepResult r : rs) {
                if (r.target().equals(t)) {
                    pts.add(new double[] {r.forwardedPps(), r.sfuCpuPercent()});
                }
            }
            pts.sort((a, b) -> Double.compare(a[0], b[0]));
            cpuVsPps.put(t, pts);
        }
        sb.append(Svg.lines("SFU CPU vs forwarded packets", "forwarded packets / s", "SFU CPU % (of one core)",
                cpuVsPps)).append('\n');

        Map<String, double[]> lat = new LinkedHashMap<>();
        for (String t : targets) {
            lat.put(t + " p50", values(rs, t, cats, StepResult::latencyMsP50));
            lat.put(t + " p99", values(rs, t, cats, StepResult::latencyMsP99));
        }
        sb.append(Svg.bars("Added latency through the SFU", "ms", cats, lat)).append('\n');
        sb.append(Svg.bars("Loss after repair", "% of packets", cats,
                byTarget(rs, targets, cats, StepResult::lossPercent))).append('\n');
        sb.append(Svg.bars("Join time (join to first media), p50", "ms", cats,
                byTarget(rs, targets, cats, StepResult::joinMsP50))).append('\n');

        for (String t : targets) {
            Map<String, List<double[]>> cpu = new LinkedHashMap<>();
            for (StepResult r : rs) {
                if (r.target().equals(t)) {
                    List<double[]> pts = new ArrayList<>();
                    for (StepResult.Progress p : r.timeline()) {
                        pts.add(new double[] {p.t(), p.sfuCpuPercent()});
                    }
                    cpu.put(step(r), pts);
                }
            }
            sb.append(Svg.lines(t + ": SFU CPU over each run", "seconds since the first join", "CPU %", cpu))
                    .append('\n');
        }
        sb.append("</div>\n<p>The window opens once every sender's rate is steady, and only packets sent inside it"
                + " count, at both ends. Delivered % compares the distinct packets receivers got with what publishers"
                + " sent times the other members of their room (never above 100); loss % is the rest, after repair."
                + " Forwarded counts every packet that arrived, retransmissions included (on an RTX stream or on the"
                + " media SSRC alike). Latency is the receiver's nanoTime minus the send nanoTime carried in the"
                + " payload (same JVM). CPU % is of one core, the harness's own next to the server's.</p>\n"
                + "</body></html>\n");
        return sb.toString();
    }

    private static String step(StepResult r) {
        return r.rooms() + "x" + r.participantsPerRoom();
    }

    private static Map<String, double[]> byTarget(List<StepResult> rs, Set<String> targets, List<String> cats,
                                                  java.util.function.ToDoubleFunction<StepResult> f) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (String t : targets) {
            m.put(t, values(rs, t, cats, f));
        }
        return m;
    }

    private static double[] values(List<StepResult> rs, String target, List<String> cats,
                                   java.util.function.ToDoubleFunction<StepResult> f) {
        double[] v = new double[cats.size()];
        java.util.Arrays.fill(v, Double.NaN);
        for (StepResult r : rs) {
            if (r.target().equals(target)) {
                v[cats.indexOf(step(r))] = f.applyAsDouble(r);
            }
        }
        return v;
    }
}
