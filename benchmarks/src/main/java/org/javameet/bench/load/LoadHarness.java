package org.javameet.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.javameet.bench.load.report.HtmlReport;
import org.javameet.bench.load.report.Report;
import org.javameet.bench.load.report.ReportJson;
import org.javameet.bench.load.report.ReportTable;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadRun;
import org.javameet.bench.load.run.MachineInfo;
import org.javameet.bench.load.run.StepResult;
import org.javameet.bench.load.run.Target;

/**
 * The load harness's entry point: runs every target at every step one after another, then writes the JSON
 * and HTML reports and prints their paths. See {@link LoadOptions#USAGE} and docs/performance.md.
 */
public final class LoadHarness {
    private LoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (LoadOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(LoadOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        System.exit(run(options));
    }

    static int run(LoadOptions options) throws Exception {
        startWatchdog(options.wallClockLimitSeconds());
        // probed before pinning: a pinned JVM sees only its own CPUs, and the report describes the machine
        MachineInfo machine = MachineInfo.probe();
        if (options.pinHarness() != null) {
            pinSelf(options.pinHarness());
        }
        Path out = Path.of(options.outPrefix()).toAbsolutePath();
        Path logDir = Path.of(out + "-logs");
        Files.createDirectories(logDir);
        System.out.println("machine: " + machine.summary());
        List<StepResult> results = new ArrayList<>();
        for (Target target : options.targets()) {
            for (int perRoom : options.steps()) {
                results.add(new LoadRun(options, target, perRoom, logDir).run());
            }
        }
        Report report = new Report(Instant.now().toString(), machine, List.of(args(options)), results);
        Path json = Path.of(out + ".json");
        Path html = Path.of(out + ".html");
        ReportJson.write(report, json);
        Files.writeString(html, HtmlReport.render(report));
        System.out.println();
        System.out.print(ReportTable.text(results));
        System.out.println();
        System.out.println("report: " + json);
        System.out.println("report: " + html);
        for (StepResult r : results) {
            if (r.error() != null && r.joined() == 0) {
                return 1;
            }
        }
        return 0;
    }

    private static String args(LoadOptions o) {
        return String.format(Locale.ROOT, "targets=%s rooms=%d steps=%s publishers=%s video=%dkbps fps=%d "
                        + "duration=%ds ramp-up=%ds loss=%.1f%%", o.targets(), o.rooms(), o.steps(),
                o.publishers() < 0 ? "all" : Integer.toString(o.publishers()), o.videoKbps(), o.fps(),
                o.durationSeconds(), o.rampUpSeconds(), o.lossPercent()) + " pinning: " + o.pinning();
    }

    /**
     * Moves every thread of this JVM onto {@code cpus} ({@code taskset -a -p -c}); threads started later inherit
     * the mask from the thread that starts them. A harness that cannot pin itself stops: the figures would not
     * be what the command line asked for.
     */
    private static void pinSelf(String cpus) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("taskset could not pin the harness to CPUs " + cpus + ": " + out);
        }
        System.out.println("harness pinned to CPUs " + cpus);
    }

    /** The harness stops by itself, whatever hangs: it exits (and its shutdown hooks stop the servers). */
    private static void startWatchdog(long seconds) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(seconds * 1000);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("load harness: wall-clock limit of " + seconds + " s reached, stopping");
            System.exit(3);
        }, "harness-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
