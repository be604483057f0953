package org.javameet.signaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcessAgeTest {
    /** A real /proc/self/stat line (java, pid 4242), started 123,456 ticks after boot. */
    private static final String STAT = "4242 (java) S 1 4242 4242 0 -1 4194560 2385 0 0 0 11 3 0 0 20 0 19 0 123456"
            + " 3695960064 21000 18446744073709551615 1 1 0 0 0 0 0 4096 16796879 0 0 0 17 1 0 0 0 0 0";

    @Test
    void ageIsUptimeLessTheStartTick() {
        // up 1,240.50 s; started at tick 123,456 = 1,234.56 s
        assertEquals(OptionalLong.of(5_940), ProcessAge.fromProc("1240.50 2400.10\n", STAT));
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = STAT.replace("(java)", "(a (b) c)");
        assertEquals(OptionalLong.of(5_940), ProcessAge.fromProc("1240.50 2400.10", stat));
    }

    @Test
    void unreadableTextGivesNothing() {
        assertEquals(OptionalLong.empty(), ProcessAge.fromProc("1240.50", "4242 java S 1"));
        assertEquals(OptionalLong.empty(), ProcessAge.fromProc("1240.50", "4242 (java) S 1 2 3"));
        assertEquals(OptionalLong.empty(), ProcessAge.fromProc("soon", STAT));
        assertEquals(OptionalLong.empty(), ProcessAge.fromProc("1000.00", STAT)); // before its own start
    }

    @Test
    void thisProcessIsYoungerThanTheMachineAndOlderThanNothing() {
        OptionalLong age = ProcessAge.millis();
        assertTrue(age.isPresent());
        assertTrue(age.getAsLong() > 0, "age " + age);
        assertTrue(age.getAsLong() < 24L * 3600 * 1000, "age " + age);
    }
}
