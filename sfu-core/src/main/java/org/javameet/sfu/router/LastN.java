package org.javameet.sfu.router;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Last-N (Jitsi's name): each subscriber receives camera video from at most N others, the most recent dominant
 * speakers first, then the others in the order they joined; video a producer marks {@link Producer#alwaysForwarded}
 * (screen shares) always; a subscriber that {@link Subscriber#receivesAllVideo} (the recorder) everything. The other video consumers are paused ({@link Consumer#pauseByLastN}): nothing is sent,
 * and a resumed one starts at a keyframe. Audio is never paused. Media loop only.
 */
final class LastN {
    private LastN() {
    }

    /**
     * Pauses and resumes {@code subscriber}'s video consumers for a limit of {@code n} (-1: no limit) and the
     * speakers {@code recentSpeakers} (most recent first). Returns the mids it pauses now, sorted by consumer order.
     */
    static List<String> apply(int n, List<String> recentSpeakers, Collection<String> publishersInJoinOrder,
                              Subscriber subscriber) {
        Set<String> withCamera = new LinkedHashSet<>();
        for (Consumer c : subscriber.consumers()) {
            if (c.producer().video() && !c.producer().alwaysForwarded()) {
                withCamera.add(c.producer().ownerId());
            }
        }
        Set<String> chosen = new LinkedHashSet<>();
        if (n < 0 || subscriber.receivesAllVideo()) {
            chosen.addAll(withCamera);
        } else {
            List<String> order = new ArrayList<>(recentSpeakers);
            order.addAll(publishersInJoinOrder);
            for (String id : order) {
                if (chosen.size() >= n) {
                    break;
                }
                if (withCamera.contains(id)) {
                    chosen.add(id);
                }
            }
        }
        List<String> paused = new ArrayList<>();
        for (Consumer c : subscriber.consumers()) {
            Producer p = c.producer();
            boolean pause = p.video() && !p.alwaysForwarded() && !chosen.contains(p.ownerId());
            c.pauseByLastN(pause);
            if (pause) {
                paused.add(c.mid());
            }
        }
        return paused;
    }
}
