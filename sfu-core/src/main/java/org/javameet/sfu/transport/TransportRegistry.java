package org.javameet.sfu.transport;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the transport a datagram belongs to: by local ICE ufrag for STUN checks, by remote address for
 * everything else. Only a check with valid MESSAGE-INTEGRITY binds an address, so unknown senders never
 * create state.
 */
public final class TransportRegistry {
    private final Map<String, WebRtcTransport> byUfrag = new ConcurrentHashMap<>();
    /** Written by the loop that owns the transport, read by every media loop's socket handler. */
    private final Map<InetSocketAddress, WebRtcTransport> byAddress = new ConcurrentHashMap<>();

    public void register(WebRtcTransport t) {
        if (byUfrag.putIfAbsent(t.local().iceUfrag(), t) != null) {
            throw new IllegalStateException("ICE ufrag collision: " + t.local().iceUfrag());
        }
    }

    /** One more ufrag for {@code t} (an ICE restart); false when another transport holds it. */
    boolean registerUfrag(String ufrag, WebRtcTransport t) {
        return byUfrag.putIfAbsent(ufrag, t) == null;
    }

    /** Retires one of {@code t}'s ufrags (the credentials an ICE restart replaced). */
    void unregisterUfrag(String ufrag, WebRtcTransport t) {
        byUfrag.remove(ufrag, t);
    }

    public WebRtcTransport byUfrag(String ufrag) {
        return byUfrag.get(ufrag);
    }

    public WebRtcTransport byAddress(InetSocketAddress address) {
        return byAddress.get(address);
    }

    void bindAddress(InetSocketAddress address, WebRtcTransport t, InetSocketAddress previous) {
        if (previous != null) {
            byAddress.remove(previous, t);
        }
        WebRtcTransport old = byAddress.put(address, t);
        if (old != null && old != t) {
            // the same browser port reused by a new connection: the old association is dead
            old.close("remote address taken over by " + t.id());
        }
    }

    void unregister(WebRtcTransport t, InetSocketAddress address) {
        byUfrag.values().removeIf(v -> v == t); // every ufrag it held, a restart's pending one too
        if (address != null) {
            byAddress.remove(address, t);
        }
    }

    /** Every transport once (one may hold two ufrags during an ICE restart). */
    public Collection<WebRtcTransport> all() {
        return List.copyOf(new java.util.LinkedHashSet<>(byUfrag.values()));
    }

    public int size() {
        return all().size();
    }
}
