package org.javameet.sfu.dtls;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.BitSet;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The DTLS server's cookie exchange (RFC 6347 §4.2.1, HelloVerifyRequest), in front of {@link DtlsEndpoint}: a
 * ClientHello without a valid cookie is answered with one 60-byte HelloVerifyRequest and forgotten, so a ClientHello
 * sent with a forged source (or by anyone who passed an ICE check) draws one small reply instead of the server's
 * whole flight (~2.6 KB), and takes no handshake slot or thread. Only the ClientHello that carries the cookie starts
 * a handshake ({@link DtlsEndpoint#start(Verified)}).
 *
 * <p>Browsers fragment their ClientHello: Chromium's (DTLS 1.3 and 1.2 offered, with a post-quantum key share) is
 * about 1.4 KB in two datagrams, webrtcbin's OpenSSL sends 255-byte datagrams. BouncyCastle's {@link DTLSVerifier}
 * reads one unfragmented ClientHello record only and silently ignores anything else (why the first attempt refused
 * every browser), so this class reassembles the ClientHello from its fragments (at most {@link #MAX_CLIENT_HELLO}
 * bytes, one message at a time) and hands the verifier one record holding the whole message. The cookie is
 * BouncyCastle's: an HMAC over the ClientHello with a secret of this object's own, so of one transport. It does not
 * bind the client's address and port: ICE may move the path between the HelloVerifyRequest and the answer (browsers
 * nominate another candidate pair; with address-bound cookies, Firefox and Chromium then got a second
 * HelloVerifyRequest and did not connect in FirefoxMeetingTest), and every DTLS reply goes
 * to the ICE-selected address anyway, never to a datagram's source. A ClientHello forged with a participant's
 * address as source thus gets 60 bytes to that participant, and its cookie only from there.
 *
 * <p>Not thread-safe: one per transport, used on the media loop.
 */
public final class DtlsCookieExchange {
    /** Larger than any ClientHello a browser sends (Chromium's with an ML-KEM key share: 1,413 bytes). */
    public static final int MAX_CLIENT_HELLO = 8192;

    private static final int RECORD_HEADER = 13;
    private static final int HANDSHAKE_HEADER = 12;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    /** The cookie binds the transport (this object's secret), not an address: see the class comment. */
    private static final byte[] NO_CLIENT_ID = new byte[0];

    /** What one datagram amounted to. */
    public enum Outcome {
        /** A ClientHello with a valid cookie: {@link #takeVerified()} gives it to start the handshake. */
        VERIFIED,
        /** A ClientHello without a cookie, answered with a HelloVerifyRequest. */
        HELLO_VERIFY_SENT,
        /** A ClientHello with a wrong cookie (another transport's, or forged), answered with a new one. */
        BAD_COOKIE,
        /** A fragment of a ClientHello whose other fragments have not all arrived. */
        INCOMPLETE,
        /** DTLS that is no ClientHello, or a broken one: dropped, nothing sent. */
        REFUSED
    }

    /** A ClientHello that carried a valid cookie; the handshake goes on from it. */
    public static final class Verified {
        final DTLSRequest request;

        private Verified(DTLSRequest request) {
            this.request = request;
        }
    }

    private final DTLSVerifier verifier;
    private Verified verified;

    // the ClientHello being reassembled: its message sequence, length, sender and the bytes seen so far
    private InetSocketAddress from;
    private int messageSeq = -1;
    private byte[] body;
    private final BitSet received = new BitSet();
    private int recordVersion;
    private long lastRecordSeq;

    public DtlsCookieExchange(TlsCrypto crypto) {
        this.verifier = new DTLSVerifier(crypto);
    }

    /**
     * One DTLS datagram from {@code sender}, before any handshake started. A HelloVerifyRequest, if due, goes out
     * through {@code reply} (to the ICE-selected address), no bigger than the ClientHello that asked for it. A
     * ClientHello is reassembled from one sender's fragments only.
     */
    public Outcome offer(InetSocketAddress sender, byte[] datagram, DatagramSender reply) {
        if (!sender.equals(from)) {
            reset();
            from = sender;
        }
        boolean any = false;
        int off = 0;
        while (off + RECORD_HEADER <= datagram.length) {
            int type = datagram[off] & 0xff;
            int version = u16(datagram, off + 1);
            int epoch = u16(datagram, off + 3);
            long recordSeq = ((long) u16(datagram, off + 5) << 32) | (u32(datagram, off + 7) & 0xffffffffL);
            int length = u16(datagram, off + 11);
            int start = off + RECORD_HEADER;
            if (start + length > datagram.length || type != CONTENT_HANDSHAKE || epoch != 0) {
                return Outcome.REFUSED; // cut short, or not a ClientHello: nothing else is due before the cookie
            }
            for (int h = start; h < start + length; ) {
                if (h + HANDSHAKE_HEADER > start + length || !fragment(datagram, h, start + length, version, recordSeq)) {
                    reset();
                    return Outcome.REFUSED;
                }
                h += HANDSHAKE_HEADER + u24(datagram, h + 9);
                any = true;
            }
            off = start + length;
        }
        if (!any || off != datagram.length) {
            return Outcome.REFUSED;
        }
        if (body == null || received.cardinality() < body.length) {
            return Outcome.INCOMPLETE;
        }
        return verify(reply);
    }

    /** The ClientHello that {@link #offer} last found {@link Outcome#VERIFIED}, once. */
    public Verified takeVerified() {
        Verified v = verified;
        verified = null;
        return v;
    }

    /** Adds one handshake fragment at {@code h}; false when it is not a sane ClientHello fragment. */
    private boolean fragment(byte[] d, int h, int recordEnd, int version, long recordSeq) {
        int msgType = d[h] & 0xff;
        int length = u24(d, h + 1);
        int seq = u16(d, h + 4);
        int fragmentOffset = u24(d, h + 6);
        int fragmentLength = u24(d, h + 9);
        if (msgType != CLIENT_HELLO || length > MAX_CLIENT_HELLO || length < 1
                || h + HANDSHAKE_HEADER + fragmentLength > recordEnd
                || fragmentOffset + fragmentLength > length) {
            return false;
        }
        if (body != null && seq < messageSeq) {
            return true; // a late fragment of an earlier ClientHello: harmless, ignored
        }
        if (body == null || seq > messageSeq) {
            body = new byte[length];
            received.clear();
            messageSeq = seq;
            lastRecordSeq = recordSeq;
            recordVersion = version;
        } else if (length != body.length) {
            return false; // the same message with another length
        }
        System.arraycopy(d, h + HANDSHAKE_HEADER, body, fragmentOffset, fragmentLength);
        received.set(fragmentOffset, fragmentOffset + fragmentLength);
        lastRecordSeq = Math.max(lastRecordSeq, recordSeq);
        if (fragmentOffset == 0) {
            recordVersion = version;
        }
        return true;
    }

    /** The whole ClientHello is here: one record for BouncyCastle's verifier, which answers or accepts it. */
    private Outcome verify(DatagramSender reply) {
        int length = body.length;
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + HANDSHAKE_HEADER + length);
        record.put((byte) CONTENT_HANDSHAKE).putShort((short) recordVersion).putShort((short) 0)
                .putShort((short) (lastRecordSeq >>> 32)).putInt((int) lastRecordSeq)
                .putShort((short) (HANDSHAKE_HEADER + length));
        record.put((byte) CLIENT_HELLO).put(u24Bytes(length)).putShort((short) messageSeq)
                .put(u24Bytes(0)).put(u24Bytes(length)).put(body);
        boolean hadCookie = cookieLength(body) > 0;
        reset();
        boolean[] sent = {false};
        DTLSRequest request;
        try {
            request = verifier.verifyRequest(NO_CLIENT_ID, record.array(), 0, record.capacity(),
                    new org.bouncycastle.tls.DatagramSender() {
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
        } catch (RuntimeException e) { // a malformed ClientHello is the peer's problem, never ours
            return Outcome.REFUSED;
        }
        if (request != null) {
            verified = new Verified(request);
            return Outcome.VERIFIED;
        }
        if (!sent[0]) {
            return Outcome.REFUSED; // the verifier could not parse it
        }
        return hadCookie ? Outcome.BAD_COOKIE : Outcome.HELLO_VERIFY_SENT;
    }

    /** The cookie's length in a ClientHello body (version, random, session id, cookie), or -1 if cut short. */
    private static int cookieLength(byte[] b) {
        int sessionIdLength = 2 + 32;
        if (b.length <= sessionIdLength) {
            return -1;
        }
        int cookieAt = sessionIdLength + 1 + (b[sessionIdLength] & 0xff);
        return cookieAt < b.length ? b[cookieAt] & 0xff : -1;
    }

    private void reset() {
        body = null;
        messageSeq = -1;
        received.clear();
    }


    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static int u24(byte[] b, int i) {
        return ((b[i] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff);
    }

    private static int u32(byte[] b, int i) {
        return (u16(b, i) << 16) | u16(b, i + 2);
    }

    private static byte[] u24Bytes(int v) {
        return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
