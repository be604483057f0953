package org.javameet.sfu.session;

import java.util.List;
import java.util.Map;

/**
 * Names what each published track shows (the caller's vocabulary, e.g. camera / screen); the media session
 * only carries the labels into subscribe offers. Called before anything changes, so throwing refuses the offer.
 *
 * @param <E> what the caller throws for labels it cannot accept
 */
@FunctionalInterface
public interface TrackLabeler<E extends Exception> {
    /** @return a label for every track, by mid */
    Map<String, String> label(List<TrackRef> tracks) throws E;
}
