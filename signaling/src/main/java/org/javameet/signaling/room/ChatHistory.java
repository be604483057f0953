package org.javameet.signaling.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;

/**
 * A room's last chat messages, as they were sent, for {@code joined} and {@code resumed}: a newcomer sees what was
 * said before they came (Prosody's MUC history does the same for Jitsi), and a page that was between connections
 * gets what it missed. Bounded by count and by text, so a room's history costs at most ~64 K characters of memory
 * and of every {@code joined}; it goes with the room. Caller holds the room's lock.
 */
final class ChatHistory {
    /** Messages kept (Prosody's default MUC history is 20; a meeting's chat is busier than a chat room's). */
    static final int MAX_MESSAGES = 50;
    /** Characters of text kept in all: 32 messages of the longest allowed (2,000) fill it. */
    static final int MAX_TEXT_CHARS = 64_000;

    private final int maxMessages;
    private final int maxTextChars;
    private final ArrayDeque<ObjectNode> messages = new ArrayDeque<>();
    private int textChars;

    ChatHistory(int maxMessages, int maxTextChars) {
        this.maxMessages = maxMessages;
        this.maxTextChars = maxTextChars;
    }

    /** Keeps {@code chat} (a {@code chat} message as broadcast; not changed afterwards), dropping the oldest beyond the bounds. */
    void add(ObjectNode chat) {
        messages.addLast(chat);
        textChars += chat.path("text").asText().length();
        while (messages.size() > maxMessages || (textChars > maxTextChars && messages.size() > 1)) {
            textChars -= messages.removeFirst().path("text").asText().length();
        }
    }

    /** The messages kept, oldest first. */
    ArrayNode toJson() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode(messages.size());
        messages.forEach(out::add);
        return out;
    }
}
