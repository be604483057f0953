package org.javameet.sfu.speaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Level traces, one 20 ms packet per participant at a time as a browser sends them, ticked every 100 ms as the
 * router does; the assertions name every switch (who, and when within a tolerance) and every non-switch.
 */
class DominantSpeakerTest {
    private static final int PACKET_MS = 20;
    private static final int SILENCE = 127;

    /** Speech as levels: 240 ms voiced at {@code dbov}, then 60 ms of a pause between syllables and words. */
    private static int speech(int ms, int dbov) {
        return ms % 300 < 240 ? dbov : 100;
    }

    /** A room playing level traces (ms → -dBov per participant), recording each switch and its time. */
    private static final class Room {
        final DominantSpeaker detector = new DominantSpeaker(4);
        final Map<String, IntUnaryOperator> traces = new LinkedHashMap<>();
        final List<String> switches = new ArrayList<>();
        int now;

        Room participant(String id, IntUnaryOperator levelAtMillis) {
            traces.put(id, levelAtMillis);
            return this;
        }

        Room play(int untilMillis) {
            for (; now < untilMillis; now += PACKET_MS) {
                for (Map.Entry<String, IntUnaryOperator> e : traces.entrySet()) {
                    detector.activity(e.getKey()).onLevel(e.getValue().applyAsInt(now));
                }
                if ((now + PACKET_MS) % DominantSpeaker.TICK_MILLIS == 0 && detector.tick()) {
                    switches.add(detector.dominant() + "@" + (now + PACKET_MS));
                }
            }
            return this;
        }

        /** Who took the floor, switch by switch. */
        List<String> who() {
            return switches.stream().map(s -> s.substring(0, s.indexOf('@'))).toList();
        }

        /** When switch {@code i} happened, ms. */
        int at(int i) {
            String s = switches.get(i);
            return Integer.parseInt(s.substring(s.indexOf('@') + 1));
        }
    }

    @Test
    void twoSpeakersAlternatingSwitchWithinASecondOfEachTurn() {
        Room room = new Room()
                .participant("ada", t -> t < 4000 || t >= 8000 && t < 12000 ? speech(t, 30) : SILENCE)
                .participant("bob", t -> t >= 4000 && t < 8000 ? speech(t - 4000, 30) : SILENCE)
                .play(14000);
        // each turn is taken between 0.5 s (speaking needs half a second) and 1.5 s after it starts
        assertEquals(List.of("ada", "bob", "ada"), room.who(), room.switches.toString());
        int[] turns = {0, 4000, 8000};
        for (int i = 0; i < turns.length; i++) {
            int at = room.at(i);
            assertTrue(at >= turns[i] + 500 && at <= turns[i] + 1500, room.switches.toString());
        }
        assertEquals(List.of("ada", "bob"), room.detector.recentSpeakers());
    }

    @Test
    void aCoughDuringSpeechOrInAPauseDoesNotTakeTheFloor() {
        Room room = new Room()
                .participant("ada", t -> t < 3000 || t >= 4500 && t < 7000 ? speech(t, 35) : SILENCE)
                // a loud 200 ms cough while Ada talks, and another in her pause
                .participant("bob", t -> t >= 2000 && t < 2200 || t >= 3600 && t < 3800 ? 10 : SILENCE)
                .play(8000);
        assertEquals(List.of("ada"), room.who());
        assertEquals("ada", room.detector.dominant());
    }

    @Test
    void steadyBackgroundNoiseIsNotSpeech() {
        Room room = new Room()
                .participant("ada", t -> t >= 1000 && t < 4000 || t >= 7000 && t < 9000 ? speech(t, 30) : SILENCE)
                // a fan, as loud as quiet speech, for the whole meeting
                .participant("bob", t -> 45)
                .play(10000);
        assertEquals(1, room.switches.size(), room.switches.toString());
        assertEquals("ada", room.detector.dominant());
        assertEquals(List.of("ada"), room.detector.recentSpeakers());
    }

    @Test
    void speechOverBackgroundNoiseStillCounts() {
        Room room = new Room()
                .participant("ada", t -> t < 3000 ? speech(t, 30) : SILENCE)
                // a noisy room at -60 dBov, and speech 35 dB above it
                .participant("bob", t -> t >= 4000 && t < 7000 && t % 300 < 240 ? 25 : 60)
                .play(8000);
        assertEquals(List.of("ada", "bob"), room.who());
    }

    @Test
    void silenceKeepsTheLastSpeaker() {
        Room room = new Room()
                .participant("ada", t -> t < 2000 ? speech(t, 30) : SILENCE)
                .participant("bob", t -> SILENCE)
                .play(20000);
        assertEquals(1, room.switches.size());
        assertEquals("ada", room.detector.dominant());
    }

    @Test
    void shortBackchannelsOverTheSpeakerDoNotSwitch() {
        Room room = new Room()
                .participant("ada", t -> speech(t, 30))
                // "mm-hm", 300 ms every 1.5 s, just as loud
                .participant("bob", t -> t > 1000 && t % 1500 < 300 ? 30 : SILENCE)
                .play(10000);
        assertEquals(1, room.switches.size(), room.switches.toString());
        assertEquals("ada", room.detector.dominant());
    }

    @Test
    void aMuchLouderInterrupterTakesOverAfterASustainedWin() {
        Room room = new Room()
                .participant("ada", t -> speech(t, 40))
                .participant("bob", t -> t >= 3000 ? speech(t, 20) : SILENCE)
                .play(6000);
        assertEquals(List.of("ada", "bob"), room.who());
        int at = room.at(1);
        assertTrue(at >= 3300 && at <= 4500, room.switches.toString());
    }

    @Test
    void theDominantSpeakerLeavingClearsItAndTheNextSpeakerTakesOver() {
        Room room = new Room()
                .participant("ada", t -> t < 2000 ? speech(t, 30) : SILENCE)
                .participant("bob", t -> t >= 4000 ? speech(t, 30) : SILENCE)
                .play(3000);
        assertEquals("ada", room.detector.dominant());
        assertTrue(room.detector.remove("ada"));
        room.traces.remove("ada");
        assertNull(room.detector.dominant());
        assertFalse(room.detector.remove("nobody"));
        room.play(6000);
        assertEquals("bob", room.detector.dominant());
        assertEquals(List.of("bob"), room.detector.recentSpeakers());
    }

    @Test
    void theRecentSpeakersListIsBounded() {
        DominantSpeaker d = new DominantSpeaker(2);
        String[] order = {"a", "b", "c"};
        for (int turn = 0; turn < order.length; turn++) {
            for (int ms = 0; ms < 3000; ms += PACKET_MS) {
                for (String id : order) {
                    d.activity(id).onLevel(id.equals(order[turn]) ? speech(ms, 30) : SILENCE);
                }
                if ((ms + PACKET_MS) % DominantSpeaker.TICK_MILLIS == 0) {
                    d.tick();
                }
            }
        }
        assertEquals(List.of("c", "b"), d.recentSpeakers());
    }
}
