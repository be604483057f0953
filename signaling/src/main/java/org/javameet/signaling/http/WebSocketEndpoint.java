package org.javameet.signaling.http;

/**
 * What the server calls for every accepted WebSocket at {@code /ws} (the rooms code implements it).
 *
 * <p>{@link #onOpen} runs on the session's Netty event loop, right after the 101 response was queued; it may
 * {@link WebSocketSession#send send} at once (the frame goes out after the 101). It must not block.
 */
public interface WebSocketEndpoint {

    /**
     * @return the handler that receives this session's frames; never null. If this method throws, the session is
     *     closed with 1011.
     */
    WebSocketSession.Handler onOpen(WebSocketSession session);
}
