package org.javameet.bench.load.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a report was measured on (from /proc and the JVM). */
public record MachineInfo(String cpuModel, int cores, long memoryMb, String kernel, String jvm, double loadAverage) {
    public static MachineInfo probe() {
        String model = "unknown";
        long memKb = 0;
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        double load = Double.NaN;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // partial information is fine
        }
        return new MachineInfo(model, Runtime.getRuntime().availableProcessors(), memKb / 1024, kernel,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), load);
    }

    public String summary() {
        return String.format(java.util.Locale.ROOT, "%s, %d cores, %d MB, %s, %s, load average %.2f", cpuModel, cores,
                memoryMb, kernel, jvm, loadAverage);
    }
}
