package org.javameet.signaling.http;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * One accepted WebSocket connection, text frames only.
 *
 * <p>Threading: {@link #send} and {@link #close} may be called from any thread. The {@link Handler} is called
 * on the session's own Netty event loop, one call at a time, in arrival order; {@link Handler#onClose} is called
 * exactly once, last, whoever closed the connection (server, client, idle timeout, or a dropped TCP connection).
 */
public interface WebSocketSession {

    /** A short random id, for logs. */
    String id();

    /**
     * The client's address. When the TCP peer is loopback (nginx in front), {@code X-Real-IP} or else the last
     * {@code X-Forwarded-For} entry of the upgrade request is used instead, with port 0.
     */
    InetSocketAddress remoteAddress();

    /** The upgrade request's query parameters (first value of each), e.g. {@code jwt}. Unmodifiable. */
    Map<String, String> queryParameters();

    /**
     * Queues one text frame. Never blocks. If the session is closed the text is dropped (and counted). If more
     * than the configured outbound limit (4 MiB by default) is waiting for a slow client, the text is dropped and
     * the session is closed with 1008: signaling messages are never silently skipped on a live connection.
     */
    void send(String text);

    /**
     * Like {@link #send}, for messages a client can do without (chat, presence updates): when a slow client
     * already has a quarter of the outbound limit waiting, the text is dropped and counted instead, so a chat
     * flood costs the slow reader some chat lines, never the connection.
     */
    default void sendDroppable(String text) {
        send(text);
    }

    /**
     * Sends a close frame and closes the connection. Idempotent: only the first call has an effect.
     *
     * @param statusCode a status code a server may send (1000–1003, 1007–1014, 3000–4999)
     * @throws IllegalArgumentException for a code that may not be sent (e.g. 1005, 1006)
     */
    void close(int statusCode, String reason);

    /** True from the handshake until a close starts (either side). */
    boolean isOpen();

    /**
     * True once the client started a close handshake (it sent the first close frame): the client meant to go, as
     * opposed to a dropped connection or a close the server started (idle timeout, kick).
     */
    default boolean closedByClient() {
        return false;
    }

    /**
     * Runs {@code task} on the session's own event loop (where {@link Handler#onText} runs) after {@code delay},
     * unless the session has closed by then.
     */
    void schedule(Runnable task, java.time.Duration delay);

    /** The application side of a session. */
    interface Handler {
        /**
         * One complete text message. An exception thrown here is logged with the session id and answered with an
         * {@code error} frame of code {@code internal}; the connection stays open.
         */
        void onText(String text);

        /**
         * Called exactly once when the connection is gone. {@code statusCode} is the status sent by whichever side
         * closed first, 1005 when the client's close frame had none, 1006 when the TCP connection dropped.
         */
        void onClose(int statusCode, String reason);
    }
}
