package org.javameet.bench.load.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.Target;
import org.javameet.bench.load.run.JoinStages;
import org.javameet.bench.load.run.MachineInfo;
import org.javameet.bench.load.run.StepResult;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
    private static StepResult result(String target, double cpuPerMillion) {
        return new StepResult(target, 1, 4, 4, 500, 30, 0, 30, 4, 4, 120, 200, 250, 440, 1320, 1320, 1320, 0, 0,
                100, 0.4, 0.9, 1.5, 3, 0.1, 5000, 0, 0, 0, 0, 0, 2.0, 6.7, 180, cpuPerMillion, 20, 1320, 3.2,
                target.equals("javameet") ? 4 : 0, "any", null, null,
                List.of(new StepResult.Progress(1, 4, 440, 1320, 0, 6.5, 180, 20)), List.of(), JoinStages.NONE);
    }

    @Test
    void selfContainedWithChartsAndRatio() {
        Report r = new Report("now", new MachineInfo("cpu <x>", 2, 1024, "Linux", "jvm", 1.0), List.of("scenario"),
                List.of(result("baseline", 10), result("javameet", 25)));
        String html = HtmlReport.render(r);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg"));
        assertTrue(html.contains("cpu &lt;x&gt;"), "escaped");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("http://") && !html.contains("xmlns='http://www.w3.org/2000/svg'"));
        assertFalse(html.contains("src="), "no external resources");
        assertTrue(html.contains("<td>2.50</td>"), "javameet / baseline ratio in the table");
        assertTrue(html.contains("javameet 1x4: rates unsteady in 4 of 30 window seconds"), "a disturbed window is said");
    }

    @Test
    void aRunMixingUdpAndTcpReceiversGetsItsSecondTable() {
        StepResult plain = result("baseline", 10);
        StepResult r = result("javameet", 25);
        StepResult mixed = new StepResult(r.target(), r.rooms(), 8, 8, r.videoKbps(), r.fps(), 0, r.windowSeconds(), 8,
                8, r.joinMsP50(), r.joinMsP95(), r.joinMsMax(), r.sentPps(), r.forwardedPps(), r.serverForwardedPps(),
                r.expectedPps(), 0, 0, 100, 0.4, 0.9, 1.5, 3, 0.1, 5000, 0, 0, 0, 0, 0, 2.0, 6.7, 180, 25, 20, 1320, 3.2,
                0, "any", null, null, List.of(), List.of(
                        new StepResult.PathFigures("tcp", 2, 300, 99.5, 0.5, 0.6, 1.1, 2.25, 9),
                        new StepResult.PathFigures("udp", 6, 900, 100, 0, 0.4, 0.8, 1.5, 3)), JoinStages.NONE);
        assertEquals("", ReportTable.pathTable(List.of(plain, r)), "no run mixed paths: no second table");
        String table = ReportTable.pathTable(List.of(plain, mixed));
        assertTrue(table.contains("| javameet | 1 x 8 | tcp | 2 | 300 | 99.5 | 0.50 | 0.60 / 1.10 / 2.25 / 9.00 | 25.00 |"),
                table);
        assertTrue(table.contains("| javameet | 1 x 8 | udp | 6 | 900 | 100.0 |"), table);
        assertTrue(ReportTable.text(List.of(mixed)).contains(table));
        String html = HtmlReport.render(new Report("now", new MachineInfo("cpu", 2, 1024, "Linux", "jvm", 1.0),
                List.of("scenario"), List.of(plain, mixed)));
        assertTrue(html.contains("<td>0.60 / 1.10 / 2.25 / 9.00</td>"), "the HTML report has it too");
    }

    @Test
    void aRunWithCappedReceiversListsThemFirstBesideTheUncapped() {
        StepResult r = result("javameet", 25);
        StepResult capped = new StepResult(r.target(), r.rooms(), 6, 6, r.videoKbps(), r.fps(), 0, r.windowSeconds(), 6,
                6, r.joinMsP50(), r.joinMsP95(), r.joinMsMax(), r.sentPps(), r.forwardedPps(), r.serverForwardedPps(),
                r.expectedPps(), 0, 0, 100, 0.4, 0.9, 1.5, 3, 0.1, 5000, 0, 0, 0, 0, 0, 2.0, 6.7, 180, 25, 20, 1320, 3.2,
                0, "any", null, null, List.of(), List.of(), JoinStages.NONE, 3, List.of(
                        new StepResult.ReceiverFigures("room/p0", 0, 954.4, 0, "r2 x2", "r2 80 %, r0 20 %", 9, 1258,
                                1780, 0),
                        new StepResult.ReceiverFigures("room/p5", 300, 251.2, 0.07, "r0 x2", "r1 3 %, r0 97 %", 18, 234.4,
                                200, 1544)));
        assertEquals("", ReportTable.receiverTable(List.of(r)), "no simulcast, no cap: no receivers' table");
        String table = ReportTable.receiverTable(List.of(capped));
        int cappedRow = table.indexOf("| javameet (simulcast 3) | 1 x 6 | room/p5 | 300 | 251 | 0.07 | r0 x2 | r1 3 %, r0 97 % | 18 | 234 / 200 | 1544 |");
        int uncappedRow = table.indexOf("| javameet (simulcast 3) | 1 x 6 | room/p0 | – | 954 | 0.00 | r2 x2 | r2 80 %, r0 20 % | 9 | 1258 / 1780 | – |");
        assertTrue(cappedRow > 0 && uncappedRow > cappedRow, table);
        assertTrue(ReportTable.text(List.of(capped)).contains(table));
        String html = HtmlReport.render(new Report("now", new MachineInfo("cpu", 2, 1024, "Linux", "jvm", 1.0),
                List.of("scenario"), List.of(capped)));
        assertTrue(html.contains("<td>234 / 200</td>"), "the HTML report has it too");
    }

    @Test
    void niceAxisCeilings() {
        assertEquals(1, Svg.niceCeil(0));
        assertEquals(2, Svg.niceCeil(1.3));
        assertEquals(250, Svg.niceCeil(210));
        assertEquals(1000, Svg.niceCeil(1000));
    }

    @Test
    void optionsEnforceHardLimits() {
        assertEquals(List.of(10, 20, 40), LoadOptions.parse(new String[] {"--steps", "10,20,40"}).steps());
        assertThrowsUsage("--duration", "601");
        assertThrowsUsage("--participants", "1001");
        assertThrowsUsage("--server-url", "http://10.0.0.1:8080");
        assertThrowsUsage("--target", "mediasoup");
        assertThrowsUsage("--pin-target", "x");
        assertThrowsUsage("--pin-harness", "99999");
        assertThrowsUsage("--pin-target", "1-0");
        assertThrowsUsage("--transport-cc", "yes");
        assertEquals(true, LoadOptions.parse(new String[0]).transportCc(), "subscribers send feedback, as browsers");
        assertEquals(false, LoadOptions.parse(new String[] {"--transport-cc", "off"}).transportCc());
        LoadOptions pinned = LoadOptions.parse(new String[] {"--pin-target", "0", "--target", "baseline-gcm,janus"});
        assertEquals(List.of("taskset", "-c", "0", "java"), pinned.pinnedTarget(List.of("java")));
        assertEquals(1, pinned.targetCores());
        assertEquals(List.of(Target.BASELINE_GCM, Target.JANUS), pinned.targets());
        LoadOptions harnessOnly = LoadOptions.parse(new String[] {"--pin-harness", "0"});
        assertEquals("taskset", harnessOnly.pinnedTarget(List.of("java")).get(0),
                "a target started by a pinned harness is explicitly given every CPU back");
    }

    private static void assertThrowsUsage(String option, String value) {
        try {
            LoadOptions.parse(new String[] {option, value});
        } catch (LoadOptions.UsageException | IllegalArgumentException e) {
            return;
        }
        throw new AssertionError(option + " " + value + " accepted");
    }
}
