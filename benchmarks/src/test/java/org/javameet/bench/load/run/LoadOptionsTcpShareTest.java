package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --tcp-share}: which of the javameet target's participants connect over ICE-TCP. */
class LoadOptionsTcpShareTest {
    private static List<Integer> overTcp(LoadOptions o, int participants) {
        List<Integer> tcp = new ArrayList<>();
        for (int i = 0; i < participants; i++) {
            if (o.overTcp(i)) {
                tcp.add(i);
            }
        }
        return tcp;
    }

    @Test
    void aQuarterIsEveryFourthParticipant() {
        LoadOptions o = LoadOptions.parse(new String[] {"--target", "javameet", "--tcp-share", "0.25"});
        assertEquals(List.of(3, 7), overTcp(o, 8));
        assertEquals(List.of(), overTcp(LoadOptions.parse(new String[] {"--target", "javameet"}), 8), "default: none");
        assertEquals(8, overTcp(LoadOptions.parse(new String[] {"--target=javameet", "--tcp-share=1"}), 8).size());
        List<Integer> third = overTcp(LoadOptions.parse(new String[] {"--target", "javameet", "--tcp-share", "0.34"}), 9);
        assertEquals(3, third.size(), "rounded down, evenly spread: " + third);
    }

    @Test
    void outOfRangeOrWithoutTheJavameetTargetIsAUsageError() {
        for (String bad : new String[] {"-0.1", "1.5", "NaN", "quarter"}) {
            LoadOptions.UsageException e = assertThrows(LoadOptions.UsageException.class,
                    () -> LoadOptions.parse(new String[] {"--target", "javameet", "--tcp-share", bad}));
            assertTrue(e.getMessage().startsWith("--tcp-share"), e.getMessage());
        }
        LoadOptions.UsageException e = assertThrows(LoadOptions.UsageException.class,
                () -> LoadOptions.parse(new String[] {"--target", "javameet-tcp,janus", "--tcp-share", "0.5"}));
        assertTrue(e.getMessage().contains("javameet target"), e.getMessage());
    }
}
