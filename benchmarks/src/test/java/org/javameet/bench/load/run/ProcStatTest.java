package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void cpuTicksAreUtimePlusStimeCountedAfterTheLastParenthesis() {
        // a command name with a space and a ')' must not shift the fields (proc(5): utime 14, stime 15)
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 12345 0 0 0 1500 250 0 0 20 0 42 0 9999 "
                + "123456789 30000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertEquals(1750, ProcStat.parseCpuTicks(stat));
    }

    @Test
    void truncatedStatLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parseCpuTicks("1 (a) S 1 2"));
    }

    @Test
    void rssComesFromVmRss() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmRSS:\t  204800 kB\nThreads:\t40\n";
        assertEquals(204800, ProcStat.parseRssKb(status));
        assertEquals(0, ProcStat.parseRssKb("Name:\tzombie\n"));
    }

    @Test
    void cpuPercentIsOfOneCore() {
        long hz = ProcStat.clockTicks();
        ProcStat.Sample a = new ProcStat.Sample(0, 0, 0);
        ProcStat.Sample b = new ProcStat.Sample(2_000_000_000L, 3 * hz, 0); // 3 CPU-seconds in 2 s
        assertEquals(150.0, ProcStat.cpuPercent(a, b), 1e-9);
    }

    /** Only the named threads count: a busy "recorder-" thread of this JVM shows, an idle other name does not. */
    @Test
    void threadCpuTicksSumOnlyThreadsOfThatName() throws Exception {
        long self = ProcStat.self();
        assertEquals(0, ProcStat.threadCpuTicks(self, "no-such-thread-"));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread busy = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "recorder-test");
        busy.start();
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ProcStat.threadCpuTicks(self, "recorder-") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            org.junit.jupiter.api.Assertions.assertTrue(ProcStat.threadCpuTicks(self, "recorder-") > 0);
        } finally {
            stop.set(true);
            busy.join();
        }
        assertEquals(-1, ProcStat.threadCpuTicks(Long.MAX_VALUE, "recorder-"), "no such process");
    }
}
