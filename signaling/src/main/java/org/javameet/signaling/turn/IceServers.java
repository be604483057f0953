package org.javameet.signaling.turn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code iceServers} each participant gets in {@code joined} (and again on {@code refreshIceServers}): the
 * configured TURN URLs with credentials of its own. Empty when no TURN server is configured; the SFU itself
 * needs none (it is ICE-lite with host candidates), TURN is for clients whose network blocks the media port.
 */
public final class IceServers {
    private static final IceServers NONE = new IceServers(List.of(), null, 0, Clock.systemUTC());

    private final List<String> urls;
    private final TurnCredentials credentials;
    private final int ttlSeconds;
    private final Clock clock;
    private final AtomicLong issued = new AtomicLong();

    /**
     * @param urls        turn:/turns: URLs, one RTCIceServer for all of them
     * @param credentials made from the shared secret coturn also has
     * @param ttlSeconds  how long each issued credential is valid
     */
    public IceServers(List<String> urls, TurnCredentials credentials, int ttlSeconds, Clock clock) {
        this.urls = List.copyOf(urls);
        this.credentials = credentials;
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
        if (!this.urls.isEmpty() && (credentials == null || ttlSeconds <= 0)) {
            throw new IllegalArgumentException("TURN URLs need credentials and a positive TTL");
        }
    }

    public static IceServers none() {
        return NONE;
    }

    public boolean isEmpty() {
        return urls.isEmpty();
    }

    /** Seconds each credential is valid; the client asks for new ones before they run out. 0 when empty. */
    public int ttlSeconds() {
        return urls.isEmpty() ? 0 : ttlSeconds;
    }

    /** RTCIceServer[] for one participant, as the browser's RTCConfiguration takes it. */
    public ArrayNode forParticipant(String participantId) {
        ArrayNode servers = JsonNodeFactory.instance.arrayNode();
        if (urls.isEmpty()) {
            return servers;
        }
        TurnCredentials.Issued pair = credentials.issue(participantId, clock.instant().getEpochSecond() + ttlSeconds);
        issued.incrementAndGet();
        ObjectNode server = servers.addObject();
        urls.forEach(server.putArray("urls")::add);
        server.put("username", pair.username());
        server.put("credential", pair.credential());
        return servers;
    }

    /** Credentials issued so far (joins and refreshes), for /metrics. */
    public long issuedCount() {
        return issued.get();
    }
}
