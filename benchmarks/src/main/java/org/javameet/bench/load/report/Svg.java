package org.javameet.bench.load.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small inline SVG charts for the HTML report, drawn here so the report needs no script or stylesheet from
 * anywhere: grouped bars and line/scatter plots with axes, ticks and a legend. NaN values are skipped.
 */
final class Svg {
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"};
    private static final int W = 640;
    private static final int H = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 34;
    private static final int BOTTOM = 56;

    private Svg() {
    }

    /** One bar per (category, series). */
    static String bars(String title, String yLabel, List<String> categories, Map<String, double[]> series) {
        double max = 0;
        for (double[] v : series.values()) {
            for (double d : v) {
                if (!Double.isNaN(d)) {
                    max = Math.max(max, d);
                }
            }
        }
        double top = niceCeil(max);
        StringBuilder sb = open(title);
        axes(sb, yLabel, top);
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        double groupW = categories.isEmpty() ? plotW : (double) plotW / categories.size();
        int n = Math.max(1, series.size());
        double barW = groupW * 0.8 / n;
        int s = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            for (int c = 0; c < categories.size(); c++) {
                double v = c < e.getValue().length ? e.getValue()[c] : Double.NaN;
                if (Double.isNaN(v)) {
                    continue;
                }
                double h = top == 0 ? 0 : v / top * plotH;
                double x = LEFT + c * groupW + groupW * 0.1 + s * barW;
                sb.append(fmt("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'><title>%s %s: %s</title></rect>",
                        x, TOP + plotH - h, Math.max(1, barW - 1), h, COLORS[s % COLORS.length], esc(e.getKey()),
                        esc(categories.get(c)), num(v)));
            }
            s++;
        }
        for (int c = 0; c < categories.size(); c++) {
            sb.append(fmt("<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                    LEFT + (c + 0.5) * groupW, H - BOTTOM + 16, esc(categories.get(c))));
        }
        legend(sb, new ArrayList<>(series.keySet()));
        return sb.append("</svg>").toString();
    }

    /** Lines through (x, y) points per series, with a dot per point. */
    static String lines(String title, String xLabel, String yLabel, Map<String, List<double[]>> series) {
        double maxX = 0;
        double maxY = 0;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                if (!Double.isNaN(p[0]) && !Double.isNaN(p[1])) {
                    maxX = Math.max(maxX, p[0]);
                    maxY = Math.max(maxY, p[1]);
                }
            }
        }
        double right = niceCeil(maxX);
        double top = niceCeil(maxY);
        StringBuilder sb = open(title);
        axes(sb, yLabel, top);
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double v = right * i / 4;
            sb.append(fmt("<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                    LEFT + plotW * i / 4.0, H - BOTTOM + 16, num(v)));
        }
        sb.append(fmt("<text x='%d' y='%d' font-size='12' text-anchor='middle'>%s</text>", LEFT + plotW / 2,
                H - BOTTOM + 34, esc(xLabel)));
        int s = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = COLORS[s++ % COLORS.length];
            StringBuilder path = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (double[] p : e.getValue()) {
                if (Double.isNaN(p[0]) || Double.isNaN(p[1])) {
                    continue;
                }
                double x = LEFT + (right == 0 ? 0 : p[0] / right * plotW);
                double y = TOP + plotH - (top == 0 ? 0 : p[1] / top * plotH);
                path.append(path.length() == 0 ? "M" : " L").append(fmt("%.1f %.1f", x, y));
                dots.append(fmt("<circle cx='%.1f' cy='%.1f' r='3' fill='%s'><title>%s: %s, %s</title></circle>", x, y,
                        color, esc(e.getKey()), num(p[0]), num(p[1])));
            }
            if (path.length() > 0) {
                sb.append(fmt("<path d='%s' fill='none' stroke='%s' stroke-width='1.5'/>", path, color));
                sb.append(dots);
            }
        }
        legend(sb, new ArrayList<>(series.keySet()));
        return sb.append("</svg>").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder sb = new StringBuilder();
        sb.append(fmt("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d' "
                + "font-family='sans-serif'>", W, H, W, H));
        sb.append(fmt("<text x='%d' y='18' font-size='14' font-weight='bold'>%s</text>", LEFT, esc(title)));
        return sb;
    }

    private static void axes(StringBuilder sb, String yLabel, double top) {
        int plotH = H - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            sb.append(fmt("<line x1='%d' x2='%d' y1='%.1f' y2='%.1f' stroke='#ddd'/>", LEFT, W - RIGHT, y, y));
            sb.append(fmt("<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%s</text>", LEFT - 4, y + 4,
                    num(top * i / 4)));
        }
        sb.append(fmt("<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#333'/>", LEFT, W - RIGHT, TOP + plotH, TOP + plotH));
        sb.append(fmt("<line x1='%d' x2='%d' y1='%d' y2='%d' stroke='#333'/>", LEFT, LEFT, TOP, TOP + plotH));
        sb.append(fmt("<text transform='translate(14 %d) rotate(-90)' font-size='12' text-anchor='middle'>%s</text>",
                TOP + plotH / 2, esc(yLabel)));
    }

    private static void legend(StringBuilder sb, List<String> names) {
        int x = LEFT;
        for (int i = 0; i < names.size(); i++) {
            sb.append(fmt("<rect x='%d' y='%d' width='10' height='10' fill='%s'/>", x, H - 14, COLORS[i % COLORS.length]));
            sb.append(fmt("<text x='%d' y='%d' font-size='11'>%s</text>", x + 14, H - 5, esc(names.get(i))));
            x += 24 + 7 * names.get(i).length();
        }
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code v} (1 for 0). */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * (1 - 1e-9)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String num(double v) {
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
                .replace("\"", "&quot;");
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    static <V> Map<String, V> ordered() {
        return new LinkedHashMap<>();
    }
}
