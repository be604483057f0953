package org.javameet.sfu.dtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The DTLS server's stateless cookie exchange (RFC 6347 §4.2.1, HelloVerifyRequest), so a ClientHello from an
 * address that has not shown it receives our packets draws one small reply instead of the whole server flight
 * (issue 15: a 135-byte ClientHello drew ~2.6 KB), and takes no handshake slot or thread. The cookie is an HMAC
 * (BouncyCastle's {@link DTLSVerifier}) over the client's address and its ClientHello, with a secret of this
 * object's own. Browsers and BouncyCastle's client answer a HelloVerifyRequest by repeating their ClientHello with
 * the cookie, one round trip more. Not thread-safe: used on the media loop.
 */
public final class DtlsCookies {

    /** A ClientHello that carried a valid cookie: the handshake may start from it. */
    public static final class Verified {
        final DTLSRequest request;

        private Verified(DTLSRequest request) {
            this.request = request;
        }
    }

    /** What {@link #verify} made of a datagram. */
    public enum Outcome { VERIFIED, COOKIE_SENT, NOT_A_CLIENT_HELLO }

    private final DTLSVerifier verifier;
    private Outcome last;

    public DtlsCookies(TlsCrypto crypto) {
        this.verifier = new DTLSVerifier(crypto);
    }

    /**
     * Checks one datagram from {@code from}: a ClientHello with a valid cookie gives a {@link Verified}; one without
     * (or with a stale or forged cookie) gets a HelloVerifyRequest through {@code reply} and gives null; anything else
     * gives null and sends nothing. {@code reply} sends to {@code from}. {@link #lastOutcome()} says which.
     */
    public Verified verify(InetSocketAddress from, byte[] datagram, DatagramSender reply) {
        boolean[] sent = {false};
        DTLSRequest request;
        try {
            request = verifier.verifyRequest(clientId(from), datagram, 0, datagram.length, new org.bouncycastle.tls
                    .DatagramSender() {
                @Override
                public int getSendLimit() {
                    return 1200;
                }

                @Override
                public void send(byte[] buf, int off, int len) {
                    sent[0] = true;
                    reply.send(buf, off, len);
                }
            });
        } catch (RuntimeException e) { // a malformed record is the peer's problem, never ours
            request = null;
        }
        last = request != null ? Outcome.VERIFIED : sent[0] ? Outcome.COOKIE_SENT : Outcome.NOT_A_CLIENT_HELLO;
        return request == null ? null : new Verified(request);
    }

    public Outcome lastOutcome() {
        return last;
    }

    /** The cookie binds the client's IP address and port. */
    private static byte[] clientId(InetSocketAddress from) {
        byte[] ip = from.getAddress().getAddress();
        return ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) from.getPort()).array();
    }
}
