package org.javameet.sfu.speaker;

/**
 * One participant's speech activity, from the RFC 6464 levels of their audio packets. Levels arrive per packet
 * ({@link #onLevel}, no allocation); every {@link DominantSpeaker#TICK_MILLIS} the detector closes a tick: its mean
 * loudness, compared with this participant's own noise floor, makes the tick active or not. The last ticks form
 * the short and medium windows the detector compares.
 *
 * <p>The noise floor is the quietest tick of the last {@value #FLOOR_SECONDS} s (a sliding minimum over one-second
 * buckets): steady background noise (a fan, a café) sets its own floor and never counts as speech, while speech,
 * which pauses between words and sentences, stays well above it. Not thread-safe: the media loop only.
 */
public final class SpeakerActivity {
    /** A tick is speech when its mean level is this many dB above the speaker's noise floor... */
    static final int ABOVE_FLOOR_DB = 10;
    /** ...and at least this loud: 57 dB above -127 dBov, i.e. -70 dBov (quieter is never speech). */
    static final int MIN_LOUDNESS = 127 - 70;
    static final int FLOOR_SECONDS = 4;
    private static final int TICKS_PER_SECOND = 1000 / DominantSpeaker.TICK_MILLIS;
    static final int SHORT_TICKS = 3;
    static final int MEDIUM_TICKS = 10;

    private final String participantId;
    // the tick being collected
    private int loudnessSum;
    private int packets;
    // the noise floor: the quietest tick per second, for the last FLOOR_SECONDS seconds (loudness, dB above -127 dBov)
    private final int[] floorBuckets = new int[FLOOR_SECONDS];
    private int floorBucket;
    private int ticksInBucket;
    private boolean floorKnown;
    // the last MEDIUM_TICKS closed ticks, newest at (next - 1)
    private final boolean[] active = new boolean[MEDIUM_TICKS];
    private final int[] loudness = new int[MEDIUM_TICKS];
    private int next;

    SpeakerActivity(String participantId) {
        this.participantId = participantId;
        java.util.Arrays.fill(floorBuckets, Integer.MAX_VALUE);
    }

    public String participantId() { return participantId; }

    /** One packet's audio level in -dBov: 0 loudest, 127 silence (RFC 6464). */
    public void onLevel(int minusDbov) {
        loudnessSum += 127 - Math.max(0, Math.min(127, minusDbov));
        packets++;
    }

    /** Closes the current tick. A tick without packets (muted, or nothing arrived) is silent. */
    void tick() {
        boolean speech = false;
        int mean = 0;
        if (packets > 0) {
            mean = loudnessSum / packets;
            int floor = floor();
            speech = mean >= MIN_LOUDNESS && (!floorKnown || mean >= floor + ABOVE_FLOOR_DB);
            floorBuckets[floorBucket] = Math.min(floorBuckets[floorBucket], mean);
            floorKnown = true;
        }
        active[next] = speech;
        loudness[next] = speech ? mean : 0;
        next = (next + 1) % MEDIUM_TICKS;
        loudnessSum = 0;
        packets = 0;
        if (++ticksInBucket == TICKS_PER_SECOND) {
            ticksInBucket = 0;
            floorBucket = (floorBucket + 1) % FLOOR_SECONDS;
            floorBuckets[floorBucket] = Integer.MAX_VALUE;
        }
    }

    /** The noise floor in dB above -127 dBov: the quietest tick heard in the last few seconds. */
    int floor() {
        int min = Integer.MAX_VALUE;
        for (int f : floorBuckets) {
            min = Math.min(min, f);
        }
        return min == Integer.MAX_VALUE ? 0 : min;
    }

    /** Active ticks among the newest {@code ticks} (at most {@link #MEDIUM_TICKS}). */
    int activeTicks(int ticks) {
        int n = 0;
        for (int i = 1; i <= ticks; i++) {
            if (active[Math.floorMod(next - i, MEDIUM_TICKS)]) {
                n++;
            }
        }
        return n;
    }

    /** Mean loudness of the active ticks of the medium window, 0 when none. */
    int mediumLoudness() {
        int sum = 0;
        int n = 0;
        for (int i = 0; i < MEDIUM_TICKS; i++) {
            if (active[i]) {
                sum += loudness[i];
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    /** Speaking now: at least half of the last second, and two of the last three ticks, were speech. */
    boolean speaking() {
        return activeTicks(MEDIUM_TICKS) >= MEDIUM_TICKS / 2 && activeTicks(SHORT_TICKS) >= 2;
    }
}
