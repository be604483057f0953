package org.javameet.sfu.session;

/**
 * One video a member receives, as the server forwards it right now ({@link MediaRoom#forwardedVideo}).
 *
 * @param publisherId whose video it is
 * @param producerId the publisher's track on the router
 * @param layer the simulcast layer being forwarded (0 the lowest), -1 before anything went out
 * @param layerHeight that layer's height from its last VP8 keyframe, 0 when unknown
 * @param targetLayer the layer the consumer switches to at that layer's next keyframe
 * @param maxTemporalLayer the highest VP8 temporal layer forwarded
 * @param tileHeight the tile height the member reported for it, 0 when none (no constraint)
 * @param pausedByLastN last-N leaves it out
 * @param layerSwitches how often the forwarded layer changed so far
 * @param highestActiveLayer the publisher's highest layer that sent within the last second, -1 when none: what
 *        the layer choice could pick from (a lower target with this at the top means the publisher stopped it)
 */
public record ForwardedVideo(String publisherId, String producerId, int layer, int layerHeight, int targetLayer,
        int maxTemporalLayer, int tileHeight, boolean pausedByLastN, long layerSwitches, int highestActiveLayer) {
}
