package org.javameet.sfu.speaker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is speaking in a room: not the loudest packet but the participant who has held the floor. Every
 * {@value #TICK_MILLIS} ms each participant's {@link SpeakerActivity} closes a tick; a participant is
 * <em>speaking</em> when at least half of their last second and two of their last three ticks were speech. The
 * dominant speaker changes only when a speaking challenger beats the current one for {@value #SUSTAIN_TICKS}
 * ticks in a row: 200 ms more speech in the last second than the current speaker, or as much speech and
 * {@value #LOUDER_DB} dB louder (two people talking over each other). Nobody speaking keeps the last speaker; so
 * does a cough or a "mm-hm" (too short to be speaking). A dominant speaker who leaves is replaced by the next
 * one who speaks.
 *
 * <p>Learnt from Jitsi's DominantSpeakerIdentification (speech activity over immediate, medium and long windows,
 * relative to each speaker's minimum level; a challenger must win for a while) and LiveKit's speaker detection
 * (smoothed levels above a threshold); simpler than either: two windows of speech/non-speech ticks. Pure: no
 * clock (the caller ticks), no threads; media loop only.
 */
public final class DominantSpeaker {
    public static final int TICK_MILLIS = 100;
    static final int SUSTAIN_TICKS = 3;
    static final int MORE_SPEECH_TICKS = 2;
    static final int LOUDER_DB = 6;

    private final int maxRecent;
    private final Map<String, SpeakerActivity> speakers = new LinkedHashMap<>();
    /** Who held the floor, most recent first (the dominant speaker first); at most maxRecent. */
    private final List<String> recent = new ArrayList<>();
    private String dominant;
    private String challenger;
    private int challengerTicks;

    /** @param maxRecent how many recent speakers to remember (what last-N can draw on, the message lists) */
    public DominantSpeaker(int maxRecent) {
        if (maxRecent < 1) {
            throw new IllegalArgumentException("maxRecent >= 1");
        }
        this.maxRecent = maxRecent;
    }

    /** The activity that participant's audio levels go to; made on first use. */
    public SpeakerActivity activity(String participantId) {
        return speakers.computeIfAbsent(participantId, SpeakerActivity::new);
    }

    /** The participant left: forgotten, and no longer the dominant speaker. Returns true if that changed who is. */
    public boolean remove(String participantId) {
        speakers.remove(participantId);
        recent.remove(participantId);
        if (participantId.equals(challenger)) {
            challenger = null;
            challengerTicks = 0;
        }
        if (participantId.equals(dominant)) {
            dominant = null;
            return true;
        }
        return false;
    }

    /** Closes a tick for everyone; returns true when the dominant speaker changed. */
    public boolean tick() {
        if (speakers.isEmpty()) {
            return false;
        }
        for (SpeakerActivity a : speakers.values()) {
            a.tick();
        }
        SpeakerActivity current = dominant == null ? null : speakers.get(dominant);
        SpeakerActivity best = null;
        for (SpeakerActivity a : speakers.values()) {
            if (a != current && a.speaking() && (best == null || stronger(a, best))) {
                best = a;
            }
        }
        if (best == null || current != null && !beats(best, current)) {
            challenger = null;
            challengerTicks = 0;
            return false;
        }
        if (!best.participantId().equals(challenger)) {
            challenger = best.participantId();
            challengerTicks = 0;
        }
        if (current != null && ++challengerTicks < SUSTAIN_TICKS) {
            return false;
        }
        // nobody held the floor yet (or they left): whoever is speaking takes it; speaking already took 500 ms
        dominant = best.participantId();
        challenger = null;
        challengerTicks = 0;
        recent.remove(dominant);
        recent.add(0, dominant);
        if (recent.size() > maxRecent) {
            recent.remove(recent.size() - 1);
        }
        return true;
    }

    private static boolean stronger(SpeakerActivity a, SpeakerActivity b) {
        int byTicks = Integer.compare(a.activeTicks(SpeakerActivity.MEDIUM_TICKS), b.activeTicks(SpeakerActivity.MEDIUM_TICKS));
        return byTicks > 0 || byTicks == 0 && a.mediumLoudness() > b.mediumLoudness();
    }

    /** The challenger has spoken clearly more than the current speaker over the last second, or as much and louder. */
    private static boolean beats(SpeakerActivity challenger, SpeakerActivity current) {
        int c = challenger.activeTicks(SpeakerActivity.MEDIUM_TICKS);
        int d = current.activeTicks(SpeakerActivity.MEDIUM_TICKS);
        return c >= d + MORE_SPEECH_TICKS
                || c >= d && challenger.mediumLoudness() >= current.mediumLoudness() + LOUDER_DB;
    }

    /** The dominant speaker, or null before anyone spoke (or after they left). */
    public String dominant() {
        return dominant;
    }

    /** Who held the floor, most recent first; the dominant speaker, if any, is first. */
    public List<String> recentSpeakers() {
        return Collections.unmodifiableList(recent);
    }
}
