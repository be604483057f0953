package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.stun.StunException;
import org.javameet.sfu.stun.StunMessage;
import org.javameet.sfu.stun.StunMessageBuilder;

/**
 * The ICE-lite answer to a connectivity check, the same for UDP datagrams and ICE-TCP frames: the request's
 * USERNAME names a transport, whose ice-pwd must check out (MESSAGE-INTEGRITY, and FINGERPRINT when present).
 * Only a valid check may create or change state.
 */
final class IceChecks {
    private IceChecks() {
    }

    /**
     * A binding request that checked out, the transport it named, the ufrag it used (one of the transport's
     * current ones: during an ICE restart the old and the new) and that ufrag's integrity key.
     */
    record ValidCheck(WebRtcTransport transport, StunMessage request, String ufrag, byte[] key) {
        /** The binding success response (XOR-MAPPED-ADDRESS {@code from}), signed with the transport's pwd. */
        ByteBuf response(ByteBufAllocator alloc, InetSocketAddress from) {
            ByteBuf out = alloc.heapBuffer(128);
            StunMessageBuilder.writeBindingSuccess(out, request.transactionId(), from, key);
            return out;
        }
    }

    /** Validates a STUN packet as a connectivity check; null (and one drop counted) when it is not one. */
    static ValidCheck validate(ByteBuf data, TransportRegistry registry, MediaMetrics metrics) {
        StunMessage msg;
        try {
            msg = StunMessage.parse(data);
        } catch (StunException e) {
            metrics.drop(DropReason.STUN_MALFORMED);
            return null;
        }
        if (msg.messageType() != StunMessage.BINDING_REQUEST) {
            metrics.drop(DropReason.STUN_UNEXPECTED);
            return null;
        }
        String username = msg.username();
        int colon = username == null ? -1 : username.indexOf(':');
        String ufrag = colon <= 0 ? null : username.substring(0, colon);
        WebRtcTransport t = ufrag == null ? null : registry.byUfrag(ufrag);
        byte[] key = t == null ? null : t.localPwdKey(ufrag);
        if (key == null) {
            metrics.drop(DropReason.STUN_UNKNOWN_UFRAG);
            return null;
        }
        if (msg.hasFingerprint() && !StunMessage.checkFingerprint(data)) {
            metrics.drop(DropReason.STUN_BAD_FINGERPRINT);
            return null;
        }
        if (!msg.hasMessageIntegrity() || !StunMessage.checkIntegrity(data, key)) {
            metrics.drop(DropReason.STUN_BAD_INTEGRITY);
            return null;
        }
        return new ValidCheck(t, msg, ufrag, key);
    }
}
