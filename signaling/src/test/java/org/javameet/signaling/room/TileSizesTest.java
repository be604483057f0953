package org.javameet.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The tileSizes message: what a client may say about its tiles, and the named refusal of anything else. */
class TileSizesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void heightsByTrackId() throws Exception {
        Map<String, Integer> h = TileSizes.parse(JSON.readTree(
                "{\"type\":\"tileSizes\",\"tiles\":[{\"trackId\":\"ada-video-1\",\"height\":180},"
                        + "{\"trackId\":\"cy-video-3\",\"height\":0}]}"));
        assertEquals(Map.of("ada-video-1", 180, "cy-video-3", 0), h);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "negative height | [{\"trackId\":\"a\",\"height\":-1}] | bad-tile-size | height -1 is outside 0..4320",
        "absurd height | [{\"trackId\":\"a\",\"height\":100000}] | bad-tile-size | height 100000 is outside 0..4320",
        "fractional height | [{\"trackId\":\"a\",\"height\":180.5}] | bad-tile-size | must be an integer",
        "height as text | [{\"trackId\":\"a\",\"height\":\"big\"}] | bad-tile-size | must be an integer",
        "no height | [{\"trackId\":\"a\"}] | bad-tile-size | must be an integer",
        "twice | [{\"trackId\":\"a\",\"height\":1},{\"trackId\":\"a\",\"height\":2}] | bad-tile-size | listed twice",
        "no track id | [{\"height\":1}] | bad-message | trackId",
        "not objects | [1] | bad-message | must be an object",
        "not an array | {} | bad-message | must be an array",
    })
    void refusedByName(String name, String tiles, String code, String words) throws Exception {
        SignalingException e = assertThrows(SignalingException.class,
                () -> TileSizes.parse(JSON.readTree("{\"type\":\"tileSizes\",\"tiles\":" + tiles + "}")));
        assertEquals(code, e.code());
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void moreTilesThanAScreenShowsAreRefused() throws Exception {
        StringBuilder sb = new StringBuilder("{\"tiles\":[");
        for (int i = 0; i <= TileSizes.MAX_TILES; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"trackId\":\"t").append(i).append("\",\"height\":90}");
        }
        SignalingException e = assertThrows(SignalingException.class,
                () -> TileSizes.parse(JSON.readTree(sb.append("]}").toString())));
        assertEquals("bad-tile-size", e.code());
    }
}
