package org.javameet.signaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * How long ago the operating system started this process, for the "ready" line (docs/performance.md, Start-up).
 *
 * <p>{@code ProcessHandle.info().startInstant()} is the obvious source but adds the process's start tick to the
 * boot time of {@code /proc/stat}, which Linux gives in whole seconds: its figure was up to a second off (it said
 * 3.2 s where a stopwatch around {@code java -jar} said 2.6 s). Here both ends are clock ticks since boot
 * ({@code /proc/uptime} and field 22 of {@code /proc/self/stat}), so the figure is good to 10 ms. Elsewhere
 * (no {@code /proc}) it falls back to {@code ProcessHandle}.
 */
final class ProcessAge {
    /** USER_HZ: the unit of /proc's tick counts, 100 on every Linux architecture's user ABI. */
    static final int TICKS_PER_SECOND = 100;

    private ProcessAge() {
    }

    /** Milliseconds since the process started, or empty when no source knows. */
    static OptionalLong millis() {
        try {
            OptionalLong fromProc = fromProc(Files.readString(Path.of("/proc/uptime")),
                    Files.readString(Path.of("/proc/self/stat")));
            if (fromProc.isPresent()) {
                return fromProc;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc is not mounted: fall through
        }
        return ProcessHandle.current().info().startInstant()
                .map(started -> OptionalLong.of(Duration.between(started, Instant.now()).toMillis()))
                .orElse(OptionalLong.empty());
    }

    /**
     * The age from the two files' text: {@code uptime} is "seconds.hundredths idle", {@code stat} is
     * "pid (comm) state ..." where comm may contain spaces and parentheses, so fields are counted after the last
     * ')': state is field 3, starttime field 22.
     */
    static OptionalLong fromProc(String uptime, String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        int startTimeIndex = 22 - 3; // fields[0] is field 3
        if (fields.length <= startTimeIndex) {
            return OptionalLong.empty();
        }
        try {
            long startTicks = Long.parseLong(fields[startTimeIndex]);
            String up = uptime.trim().split("\\s+")[0];
            long upMillis = Math.round(Double.parseDouble(up) * 1000);
            long age = upMillis - startTicks * 1000 / TICKS_PER_SECOND;
            return age >= 0 ? OptionalLong.of(age) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
