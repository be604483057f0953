package org.javameet.bench.load.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When the window may open: every sender's rate and the received rate steady for three seconds. */
class SteadyStateTest {
    @Test
    void opensAfterThreeSteadySeconds() {
        SteadyState s = new SteadyState();
        s.add(new double[] {110, 112}, 222);
        s.add(new double[] {111, 110}, 220);
        assertFalse(s.steady(), "two seconds are not enough");
        s.add(new double[] {112, 111}, 224);
        assertTrue(s.steady());
    }

    @Test
    void aCatchUpBurstKeepsItClosed() {
        SteadyState s = new SteadyState();
        s.add(new double[] {110, 110}, 220);
        s.add(new double[] {180, 110}, 290); // one sender's timers fire late, then all at once
        s.add(new double[] {110, 110}, 220);
        assertFalse(s.steady());
        s.add(new double[] {110, 110}, 220);
        s.add(new double[] {110, 110}, 220);
        assertTrue(s.steady(), "the burst has left the last three seconds");
    }

    @Test
    void receiversStillCatchingUpKeepItClosed() {
        SteadyState s = new SteadyState();
        s.add(new double[] {110}, 0);
        s.add(new double[] {110}, 60);
        s.add(new double[] {110}, 110);
        assertFalse(s.steady());
    }

    @Test
    void aSilentSenderIsNotSteadyAndANewOneStartsOver() {
        SteadyState s = new SteadyState();
        for (int i = 0; i < 3; i++) {
            s.add(new double[] {0}, 0);
        }
        assertFalse(s.steady());
        s.add(new double[] {110}, 110);
        s.add(new double[] {110}, 110);
        s.add(new double[] {110}, 110);
        assertTrue(s.steady());
        s.add(new double[] {110, 110}, 220);
        assertFalse(s.steady(), "a publisher joined: three new seconds");
    }
}
