package org.javameet.signaling.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatHistoryTest {
    private static ObjectNode chat(String text) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", "chat").put("from", "p1").put("displayName", "Ada").put("text", text).put("ts", 1L);
        return n;
    }

    private static List<String> texts(ChatHistory h) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : h.toJson()) {
            out.add(m.path("text").asText());
        }
        return out;
    }

    @Test
    void keepsTheLastMessagesOldestFirst() {
        ChatHistory h = new ChatHistory(3, 1_000);
        for (int i = 1; i <= 5; i++) {
            h.add(chat("m" + i));
        }
        assertEquals(List.of("m3", "m4", "m5"), texts(h));
    }

    @Test
    void longMessagesPushOutOldOnesByText() {
        ChatHistory h = new ChatHistory(50, 10);
        h.add(chat("aaaa"));
        h.add(chat("bbbb"));
        h.add(chat("cccc")); // 12 characters: the oldest goes
        assertEquals(List.of("bbbb", "cccc"), texts(h));
        h.add(chat("x".repeat(40))); // longer than the whole budget on its own: kept alone, the latest is what matters
        assertEquals(List.of("x".repeat(40)), texts(h));
    }

    @Test
    void aRoomKeepsAtMostTheDefaultBounds() {
        ChatHistory h = new ChatHistory(ChatHistory.MAX_MESSAGES, ChatHistory.MAX_TEXT_CHARS);
        for (int i = 0; i < 200; i++) {
            h.add(chat("y".repeat(2_000)));
        }
        assertEquals(ChatHistory.MAX_TEXT_CHARS / 2_000, h.toJson().size());
    }
}
