package org.javameet.sfu.sdp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code a=ssrc} and {@code a=ssrc-group} lines (RFC 5576) say about one m-section: its media SSRCs
 * in order and, for each, the RTX SSRC paired with it by an FID group (0 when none).
 */
public record SsrcInfo(List<Long> mediaSsrcs, List<Long> rtxSsrcs, String cname) {

    public static SsrcInfo of(MediaDescription m) {
        Set<Long> all = new LinkedHashSet<>();
        String cname = null;
        for (String v : m.attributes("ssrc")) {
            int sp = v.indexOf(' ');
            String num = sp >= 0 ? v.substring(0, sp) : v;
            try {
                all.add(Long.parseLong(num.trim()));
            } catch (NumberFormatException e) {
                continue;
            }
            if (sp >= 0 && v.startsWith("cname:", sp + 1) && cname == null) {
                cname = v.substring(sp + 1 + "cname:".length());
            }
        }
        List<Long> media = new ArrayList<>();
        List<Long> rtx = new ArrayList<>();
        Set<Long> grouped = new LinkedHashSet<>();
        for (String v : m.attributes("ssrc-group")) {
            String[] p = v.trim().split("\\s+");
            if (p.length == 3 && p[0].equals("FID")) {
                try {
                    long ms = Long.parseLong(p[1]);
                    long rs = Long.parseLong(p[2]);
                    media.add(ms);
                    rtx.add(rs);
                    grouped.add(ms);
                    grouped.add(rs);
                } catch (NumberFormatException e) {
                    // ignore the bad group
                }
            }
        }
        for (Long s : all) {
            if (!grouped.contains(s)) {
                media.add(s);
                rtx.add(0L);
            }
        }
        return new SsrcInfo(List.copyOf(media), List.copyOf(rtx), cname);
    }
}
