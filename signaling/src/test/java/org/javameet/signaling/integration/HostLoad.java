package org.javameet.signaling.integration;

import java.lang.management.ManagementFactory;

/** Prints what a test class cost and how busy the machine was, so its timing figures can be read fairly. */
final class HostLoad {
    private HostLoad() {
    }

    static void print(String testClass, long startNanos) {
        double cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime() / 1e9;
        }
        System.out.printf("[integration] %s: %.1f s wall, JVM CPU %.1f s so far, load average %.1f on %d CPUs%n",
                testClass, (System.nanoTime() - startNanos) / 1e9, cpu,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }
}
