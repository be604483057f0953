package org.javameet.signaling.room;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.javameet.sfu.session.TrackRef;

/**
 * What each published track shows: {@code camera}, {@code microphone} or {@code screen}. The client labels
 * tracks with {@code publishOffer.sources}; unlabelled ones get a default: audio is the microphone, the first
 * video the camera, later videos screens.
 */
final class TrackSources {
    static final String CAMERA = "camera";
    static final String MICROPHONE = "microphone";
    static final String SCREEN = "screen";
    static final Set<String> ALL = Set.of(CAMERA, MICROPHONE, SCREEN);

    private TrackSources() {
    }

    /** The source of every track, by mid; a label that does not fit the track's kind is a bad message. */
    static Map<String, String> assign(List<TrackRef> tracks, Map<String, String> labels) throws SignalingException {
        Map<String, String> out = new HashMap<>();
        boolean cameraSeen = false;
        for (TrackRef t : tracks) {
            String label = labels.get(t.mid());
            if (label != null) {
                boolean fits = t.audio() ? !label.equals(CAMERA) : !label.equals(MICROPHONE);
                if (!fits) {
                    throw new SignalingException("bad-message", "sources: mid " + t.mid() + " is " + t.kind()
                            + ", it cannot be \"" + label + "\"");
                }
            } else if (t.audio()) {
                label = MICROPHONE;
            } else {
                label = cameraSeen ? SCREEN : CAMERA;
            }
            cameraSeen |= label.equals(CAMERA);
            out.put(t.mid(), label);
        }
        return out;
    }
}
