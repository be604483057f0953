package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.javameet.sfu.session.MediaRoom;

/**
 * The {@code tileSizes} message: how tall the client shows each received video track, so the server sends no
 * simulcast layer taller than its tile (Jitsi's receiver constraints). A refusal is {@code bad-tile-size},
 * named and counted like every other error; nothing of it is applied.
 * <pre>{"type": "tileSizes", "tiles": [{"trackId": "...", "height": 180}, ...]}</pre>
 */
final class TileSizes {
    /** More tiles than any screen shows; a longer list is a client bug or a flood. */
    static final int MAX_TILES = 100;
    private static final int MAX_TRACK_ID = 128;

    private TileSizes() {
    }

    /** Track id → height in pixels (0: no constraint), checked: each height an integer 0..4320, each id once. */
    static Map<String, Integer> parse(JsonNode msg) throws SignalingException {
        JsonNode tiles = msg.get("tiles");
        if (tiles == null || !tiles.isArray()) {
            throw new SignalingException("bad-message", "field \"tiles\" must be an array");
        }
        if (tiles.size() > MAX_TILES) {
            throw new SignalingException("bad-tile-size", tiles.size() + " tiles; at most " + MAX_TILES);
        }
        Map<String, Integer> heights = new HashMap<>();
        for (JsonNode tile : tiles) {
            if (!tile.isObject()) {
                throw new SignalingException("bad-message", "each of \"tiles\" must be an object");
            }
            String trackId = Messages.requiredString(tile, "trackId", MAX_TRACK_ID);
            JsonNode h = tile.get("height");
            if (h == null || !h.isIntegralNumber()) {
                throw new SignalingException("bad-tile-size", "tile " + trackId + ": \"height\" must be an integer");
            }
            long height = h.longValue();
            if (height < 0 || height > MediaRoom.MAX_TILE_HEIGHT) {
                throw new SignalingException("bad-tile-size", "tile " + trackId + ": height " + height
                        + " is outside 0.." + MediaRoom.MAX_TILE_HEIGHT + " pixels");
            }
            if (heights.put(trackId, (int) height) != null) {
                throw new SignalingException("bad-tile-size", "tile " + trackId + " is listed twice");
            }
        }
        return heights;
    }
}
