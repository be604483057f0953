package org.javameet.bench.load.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and resident memory of a process on this machine, from {@code /proc/<pid>/stat} (proc(5): utime and
 * stime, fields 14 and 15, in clock ticks) and {@code /proc/<pid>/status} ({@code VmRSS}, in kB). Parsing is
 * pure and tested; {@link #sample} reads the files.
 */
public final class ProcStat {
    private static volatile long clockTicks;

    private ProcStat() {
    }

    /** One reading. {@code cpuTicks} = utime + stime of all threads. */
    public record Sample(long nanoTime, long cpuTicks, long rssKb) {
        public double cpuSeconds() {
            return (double) cpuTicks / clockTicks();
        }
    }

    /** Reads both files; null when the process is gone. */
    public static Sample sample(long pid) {
        try {
            long now = System.nanoTime();
            long ticks = parseCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            long rss = parseRssKb(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return new Sample(now, ticks, rss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU ticks (utime + stime) of the process's threads whose name starts with {@code prefix} (e.g. javameet's
     * {@code recorder-} writer threads), summed from {@code /proc/<pid>/task/<tid>/stat}; a thread that ended in
     * between is not counted. -1 when the process is gone.
     */
    public static long threadCpuTicks(long pid, String prefix) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long sum = 0;
        try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open >= 0 && close > open && stat.substring(open + 1, close).startsWith(prefix)) {
                        sum += parseCpuTicks(stat);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we listed
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sum;
    }

    /**
     * utime + stime from a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may
     * itself hold spaces and parentheses, so counting starts after the last ')'.
     */
    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("no ')' in stat line");
        }
        String[] f = stat.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3]
        if (f.length < 13) {
            throw new IllegalArgumentException("stat line too short: " + f.length + " fields after comm");
        }
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** VmRSS in kB from a {@code /proc/<pid>/status} text; 0 when absent (a zombie). */
    static long parseRssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] p = line.substring(6).trim().split("\\s+");
                return Long.parseLong(p[0]);
            }
        }
        return 0;
    }

    /** CPU use between two samples as percent of one core (200 = both cores of a 2-core machine busy). */
    static double cpuPercent(Sample from, Sample to) {
        long wall = to.nanoTime() - from.nanoTime();
        if (wall <= 0) {
            return 0;
        }
        double cpuNanos = (double) (to.cpuTicks() - from.cpuTicks()) / clockTicks() * 1e9;
        return 100.0 * cpuNanos / wall;
    }

    /** {@code getconf CLK_TCK} once (100 on Linux), 100 if that fails. */
    public static long clockTicks() {
        long t = clockTicks;
        if (t == 0) {
            t = 100;
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    t = Long.parseLong(out);
                }
            } catch (IOException | NumberFormatException e) {
                // keep 100
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            clockTicks = t;
        }
        return t;
    }

    /** This JVM's pid (the harness's own CPU is reported too: on 2 cores it competes with the SFU). */
    public static long self() {
        return ProcessHandle.current().pid();
    }
}
