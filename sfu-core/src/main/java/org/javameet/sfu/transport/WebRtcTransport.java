package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.dtls.DtlsCookieExchange;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.dtls.DtlsException;
import org.javameet.sfu.dtls.DtlsFingerprint;
import org.javameet.sfu.link.MediaLink;
import org.javameet.sfu.metrics.DropReason;
import org.javameet.sfu.metrics.MediaMetrics;
import org.javameet.sfu.rtp.PacketKind;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;
import org.javameet.sfu.webrtc.LocalTransportParams;
import org.javameet.sfu.webrtc.RemoteTransportParams;

/**
 * One ICE-lite + DTLS + SRTP association with a browser: one RTCPeerConnection's BUNDLE transport.
 *
 * <p>Threading: every method except {@link #setRemote} and {@link #close} must run on the media event
 * loop ({@link #loop()}); those two hop onto it. DTLS runs on the handshake executor and hands results back
 * to the loop.
 */
public final class WebRtcTransport implements MediaLink {
    private static final Logger LOG = Logger.getLogger(WebRtcTransport.class.getName());
    /** RFC 7675 consent: without a valid STUN check for this long the peer no longer wants our packets. */
    public static final long CONSENT_TIMEOUT_NANOS = 30_000_000_000L;

    private final String id;
    /** The newest local credentials: what the next SDP announces. Written under this monitor. */
    private volatile LocalTransportParams local;
    /**
     * The credentials in use until a restart's new ones check out (RFC 8445 §9: the old ones stay valid until
     * then, so media keeps flowing while the browser restarts). Equal to {@code local.iceUfrag()} when no
     * restart is pending. Guarded by this monitor.
     */
    private String checkedUfrag;
    /** ufrag → its password as the integrity key, for every ufrag this transport currently answers. */
    private final java.util.Map<String, byte[]> pwdKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private final EventLoop loop;
    private final PacketSender sender;
    private final TransportRegistry registry;
    private final DtlsCertificate certificate;
    private final Executor dtlsExecutor;
    /** When the DTLS handshake started (the verified ClientHello), for javameet_media_dtls_handshake_duration. */
    private long dtlsStartedNanos;
    private final MediaMetrics metrics;
    private final ByteBufAllocator alloc;
    private final DtlsAdmission admission;
    /** The address whose handshake slot this transport holds, or null. */
    private java.net.InetAddress admittedFrom;
    private MediaLink.Listener listener;
    /** Told (on the media loop) when ICE selects a path, e.g. to show operators how a participant connects. */
    private volatile java.util.function.Consumer<WebRtcTransport> pathListener;

    private TransportState state = TransportState.NEW;
    private RemoteTransportParams remote;
    /** The selected path's remote address (UDP, or the ICE-TCP connection's peer). */
    private InetSocketAddress remoteAddress;
    /** The selected path when it is an ICE-TCP connection; null for UDP. */
    private IceTcpConnection tcpPath;
    /** The UDP address bound in the registry (kept when the path moves to TCP, removed on close). */
    private InetSocketAddress boundUdpAddress;
    /** The loop's UDP socket the bound path's checks came in on (0 with one socket); media leaves from it too. */
    private int udpSocket;
    /** Written on the media loop, read by metrics and signaling. Null until ICE selects a path. */
    private volatile ConnectionType connectionType;
    private DtlsEndpoint dtls;
    /** Before the handshake: the cookie exchange every ClientHello passes first (made when the first one comes). */
    private DtlsCookieExchange cookies;
    /** A ClientHello with a valid cookie, kept until the SDP (the remote fingerprint) is there too. */
    private DtlsCookieExchange.Verified verifiedHello;
    private SrtpSession srtp;
    private final ConsentFreshness consent = new ConsentFreshness(CONSENT_TIMEOUT_NANOS, System.nanoTime());
    /** The last checks' transaction ids and where they came from (a ring), to spot a replay from elsewhere. */
    private final byte[][] recentCheckIds = new byte[RECENT_CHECKS][];
    private final InetSocketAddress[] recentCheckFrom = new InetSocketAddress[RECENT_CHECKS];
    private int nextCheck;

    /** Use {@code MediaServer.createTransport}; public only for that wiring and tests. */
    public WebRtcTransport(String id, LocalTransportParams local, EventLoop loop, PacketSender sender, TransportRegistry registry,
                    DtlsCertificate certificate, Executor dtlsExecutor, MediaMetrics metrics, ByteBufAllocator alloc) {
        this(id, local, loop, sender, registry, certificate, dtlsExecutor, new DtlsAdmission(Integer.MAX_VALUE,
                Integer.MAX_VALUE), metrics, alloc);
    }

    /** @param admission caps concurrent handshakes (shared by the media server's transports) */
    public WebRtcTransport(String id, LocalTransportParams local, EventLoop loop, PacketSender sender, TransportRegistry registry,
                    DtlsCertificate certificate, Executor dtlsExecutor, DtlsAdmission admission, MediaMetrics metrics,
                    ByteBufAllocator alloc) {
        this.admission = admission;
        this.id = id;
        this.local = local;
        this.checkedUfrag = local.iceUfrag();
        this.pwdKeys.put(local.iceUfrag(), local.icePwd().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        this.loop = loop;
        this.sender = sender;
        this.registry = registry;
        this.certificate = certificate;
        this.dtlsExecutor = dtlsExecutor;
        this.metrics = metrics;
        this.alloc = alloc;
    }

    @Override
    public String id() { return id; }
    public LocalTransportParams local() { return local; }
    public EventLoop loop() { return loop; }
    public TransportState state() { return state; }
    public InetSocketAddress remoteAddress() { return remoteAddress; }
    /** How the selected path reaches the peer, or null before the first valid check. Any thread. */
    public ConnectionType connectionType() { return connectionType; }
    @Override
    public ByteBufAllocator alloc() { return alloc; }
    @Override
    public MediaMetrics metrics() { return metrics; }
    /** The integrity key of one of our current ufrags, or null when this transport does not answer to it. */
    byte[] localPwdKey(String ufrag) { return pwdKeys.get(ufrag); }

    /**
     * ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.1): new local ufrag and password for the next SDP, the same
     * DTLS association and SRTP contexts. The credentials in use stay valid until a check with the new ones
     * arrives, so nothing is cut while the peer switches. Any thread. Returns the new local parameters.
     */
    public synchronized LocalTransportParams restartIce() {
        if (state == TransportState.CLOSED) {
            return local;
        }
        String unused = local.iceUfrag().equals(checkedUfrag) ? null : local.iceUfrag();
        IceCredentials ice;
        do {
            ice = IceCredentials.random();
        } while (!registry.registerUfrag(ice.ufrag(), this));
        pwdKeys.put(ice.ufrag(), ice.pwd().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (unused != null) { // restarted again before the previous restart checked out: that one never will
            registry.unregisterUfrag(unused, this);
            pwdKeys.remove(unused);
        }
        local = new LocalTransportParams(ice.ufrag(), ice.pwd(), local.fingerprintAlgorithm(), local.fingerprintHex(),
                local.candidates(), local.tcpCandidates());
        LOG.fine(() -> "transport " + id + ": ICE restart, new ufrag " + local.iceUfrag());
        return local;
    }

    /** A valid check used {@code ufrag}: if it is a restart's new one, the old credentials retire. */
    private synchronized void checkedOut(String ufrag) {
        if (ufrag.equals(checkedUfrag) || !ufrag.equals(local.iceUfrag())) {
            return;
        }
        registry.unregisterUfrag(checkedUfrag, this);
        pwdKeys.remove(checkedUfrag);
        checkedUfrag = ufrag;
        metrics.iceRestarts.increment();
        LOG.fine(() -> "transport " + id + ": ICE restart checked out");
    }

    /** Must be set before the transport can deliver anything; set once, from any thread, before it is used. */
    @Override
    public void listener(MediaLink.Listener listener) {
        this.listener = listener;
    }

    /** Called on the media loop whenever ICE selects a new path ({@link #connectionType} may have changed). */
    public void onPathSelected(java.util.function.Consumer<WebRtcTransport> listener) {
        this.pathListener = listener;
    }

    /** The browser's ICE and DTLS parameters from its SDP. DTLS starts once both this and an ICE check arrived. */
    public void setRemote(RemoteTransportParams params) {
        loop.execute(() -> {
            if (state == TransportState.CLOSED || remote != null) {
                return;
            }
            remote = params;
            startDtlsIfReady();
        });
    }

    /**
     * Whether an authenticated binding request from {@code from} must be refused before it is answered (null: accept).
     * MESSAGE-INTEGRITY does not cover the source address, so a check captured on the path could be replayed from
     * anywhere to move this transport's media there (or, with a spoofed source, at a victim): a transaction id this
     * transport saw from another address is a replay ({@code STUN_REPLAYED}). A browser's retransmission comes from
     * the same address with the same id, a new check has a new id. Likewise an address that another transport heard
     * from within {@link #ADDRESS_IN_USE_NANOS} is not taken over ({@code STUN_ADDRESS_IN_USE}): only a dead
     * session's address is reused.
     *
     * @param boundThere the transport the address is bound to now, or null
     */
    DropReason checkRefusal(InetSocketAddress from, byte[] transactionId, WebRtcTransport boundThere) {
        for (int i = 0; i < RECENT_CHECKS; i++) {
            if (recentCheckIds[i] != null && java.util.Arrays.equals(recentCheckIds[i], transactionId)
                    && !from.equals(recentCheckFrom[i])) {
                return DropReason.STUN_REPLAYED;
            }
        }
        if (boundThere != null && boundThere != this && boundThere.state != TransportState.CLOSED
                && System.nanoTime() - boundThere.consent.lastHeardNanos() < ADDRESS_IN_USE_NANOS) {
            return DropReason.STUN_ADDRESS_IN_USE;
        }
        recentCheckIds[nextCheck] = transactionId;
        recentCheckFrom[nextCheck] = from;
        nextCheck = (nextCheck + 1) % RECENT_CHECKS;
        return null;
    }

    /** A binding request with valid integrity for our {@code ufrag} arrived over UDP from {@code from}. */
    void onIceCheck(InetSocketAddress from, boolean useCandidate, String ufrag) {
        onIceCheck(from, 0, null, useCandidate, ufrag);
    }

    /** As {@link #onIceCheck(InetSocketAddress, boolean, String)}, the check having come in on UDP socket {@code socket}. */
    void onIceCheck(InetSocketAddress from, int socket, boolean useCandidate, String ufrag) {
        onIceCheck(from, socket, null, useCandidate, ufrag);
    }

    /** A check over ICE-TCP connection {@code tcp} (null: UDP, the loop's first socket). */
    void onIceCheck(InetSocketAddress from, IceTcpConnection tcp, boolean useCandidate, String ufrag) {
        onIceCheck(from, 0, tcp, useCandidate, ufrag);
    }

    /**
     * A binding request with valid integrity for our {@code ufrag} arrived from {@code from}, over {@code tcp} or
     * (null) over UDP socket {@code socket} of the loop, once {@link #checkRefusal} let it through: consent is renewed (RFC 7675), and a restart's new
     * credentials take over. ICE-lite (RFC 8445 §6.1.3.3): the first valid check binds its path; later, only a
     * nominated one (the controlling agent nominates with USE-CANDIDATE) moves the media to a new path, which is
     * counted and logged (rate-limited), or any valid one once the selected ICE-TCP connection is gone. A check on
     * another pair without USE-CANDIDATE is answered and moves nothing. A pair is the peer's address and our socket:
     * one browser socket checks each of our addresses from the same {@code from}.
     */
    private void onIceCheck(InetSocketAddress from, int socket, IceTcpConnection tcp, boolean useCandidate,
                            String ufrag) {
        consent.onCheck(System.nanoTime(), state == TransportState.CONNECTED);
        if (state == TransportState.CLOSED) {
            return;
        }
        checkedOut(ufrag);
        boolean samePath = tcp == tcpPath && from.equals(remoteAddress) && (tcp != null || socket == udpSocket);
        boolean pathGone = tcpPath != null && !tcpPath.isOpen();
        if (remoteAddress == null || (!samePath && (useCandidate || pathGone))) {
            InetSocketAddress previous = remoteAddress;
            if (previous != null) {
                metrics.iceAddressChanges.increment();
                logMove(previous, from);
            }
            remoteAddress = from;
            tcpPath = tcp;
            udpSocket = tcp == null ? socket : 0;
            connectionType = tcp == null ? ConnectionType.UDP : ConnectionType.TCP;
            if (tcp == null) {
                registry.bindAddress(from, this, boundUdpAddress);
                boundUdpAddress = from;
            }
            java.util.function.Consumer<WebRtcTransport> pl = pathListener;
            if (pl != null) {
                pl.accept(this);
            }
            if (state == TransportState.NEW) {
                state = TransportState.CONNECTING;
            }
            startDtlsIfReady();
        }
    }

    /**
     * Starts the handshake once the SDP, a valid ICE check and the peer's ClientHello with a valid cookie (we are
     * always the server) are all there: neither a STUN check nor a ClientHello without the cookie costs a handshake
     * slot or thread. Without a free {@link DtlsAdmission} slot the verified ClientHello is dropped and counted; the
     * peer's retransmission tries again.
     */
    private static final int RECENT_CHECKS = 16;
    private static final long ADDRESS_IN_USE_NANOS = 10_000_000_000L;
    private static final long MOVE_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final java.util.concurrent.atomic.AtomicLong NEXT_MOVE_LOG = new java.util.concurrent.atomic
            .AtomicLong(System.nanoTime());

    /** One line per 10 s over all transports: moves are normal at setup, but a stream of them is worth seeing. */
    private void logMove(InetSocketAddress from, InetSocketAddress to) {
        long now = System.nanoTime();
        long due = NEXT_MOVE_LOG.get();
        if (now - due >= 0 && NEXT_MOVE_LOG.compareAndSet(due, now + MOVE_LOG_INTERVAL_NANOS)) {
            LOG.info(() -> "transport " + id + ": media moves from " + from + " to " + to + " (nominated check; "
                    + "javameet_media_ice_address_changes_total counts them all)");
        }
    }

    private void startDtlsIfReady() {
        if (dtls != null || remote == null || remoteAddress == null || verifiedHello == null
                || state == TransportState.CLOSED) {
            return;
        }
        DtlsCookieExchange.Verified hello = verifiedHello;
        verifiedHello = null;
        java.net.InetAddress from = remoteAddress.getAddress();
        DtlsAdmission.Result admitted = admission.tryAcquire(from);
        if (admitted != DtlsAdmission.Result.ADMITTED) {
            (admitted == DtlsAdmission.Result.BUSY ? metrics.dtlsRefusedBusy : metrics.dtlsRefusedPerAddress)
                    .increment();
            return;
        }
        admittedFrom = from;
        dtls = new DtlsEndpoint(DtlsEndpoint.Role.SERVER, certificate,
                new DtlsFingerprint(remote.fingerprintAlgorithm(), remote.fingerprintHex()), this::sendDtls, dtlsExecutor, new DtlsEndpoint.Listener() {
                    @Override
                    public void onConnected(SrtpKeys keys) {
                        SrtpSession.warmUp(); // on this handshake thread: waits if start-up's warm-up still runs
                        loop.execute(() -> dtlsConnected(keys));
                    }

                    @Override
                    public void onFailed(DtlsException e) {
                        metrics.dtlsFailures.increment();
                        LOG.log(Level.INFO, () -> "transport " + id + ": DTLS failed: " + e.getMessage());
                        close("dtls failed: " + e.getMessage());
                    }

                    @Override
                    public void onClosed() {
                        close("dtls closed by peer");
                    }
                });
        dtlsStartedNanos = System.nanoTime();
        dtls.start(hello);
    }

    /**
     * DTLS before the handshake: the cookie exchange (RFC 6347 §4.2.1) answers a ClientHello without a valid cookie
     * with one HelloVerifyRequest (60 bytes, to the ICE-checked address) and forgets it; the one with the cookie
     * starts the handshake. Anything else is dropped and counted.
     */
    private void beforeHandshake(byte[] data) {
        if (cookies == null) {
            cookies = new DtlsCookieExchange(certificate.crypto());
        }
        switch (cookies.offer(remoteAddress, data, this::sendDtls)) {
            case VERIFIED -> {
                verifiedHello = cookies.takeVerified();
                startDtlsIfReady();
            }
            case HELLO_VERIFY_SENT -> metrics.dtlsHelloVerifyRequests.increment();
            case BAD_COOKIE -> {
                metrics.dtlsRefusedBadCookie.increment();
                metrics.dtlsHelloVerifyRequests.increment();
            }
            case INCOMPLETE -> { }
            case REFUSED -> metrics.drop(DropReason.DTLS_UNVERIFIED);
        }
    }

    private void sendDtls(byte[] data, int off, int len) {
        if (remoteAddress == null || state == TransportState.CLOSED) {
            return;
        }
        ByteBuf buf = Unpooled.copiedBuffer(data, off, len);
        loop.execute(() -> {
            if (state == TransportState.CLOSED) {
                buf.release();
                return;
            }
            if (sendOnPath(buf)) {
                metrics.packetsOut.increment();
                metrics.bytesOut.increment(len);
            }
            flush();
        });
    }

    /** Sends on the selected path; takes ownership. A refusal is counted here (UDP) or by the connection (TCP). */
    private boolean sendOnPath(ByteBuf data) {
        IceTcpConnection tcp = tcpPath;
        if (tcp != null) {
            return tcp.send(data);
        }
        if (!sender.send(data, remoteAddress, udpSocket)) {
            metrics.drop(DropReason.SEND_BUFFER_FULL);
            return false;
        }
        return true;
    }

    private void dtlsConnected(SrtpKeys keys) {
        if (state == TransportState.CLOSED) {
            return;
        }
        releaseAdmission();
        srtp = new SrtpSession(keys);
        state = TransportState.CONNECTED;
        metrics.dtlsHandshakes.increment();
        metrics.dtlsHandshakeTime.record(System.nanoTime() - dtlsStartedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        LOG.fine(() -> "transport " + id + " connected to " + remoteAddress + " (" + keys.profile() + ")");
        if (listener != null) {
            listener.onConnected(this);
        }
    }

    /** A datagram from this transport's selected address. Takes ownership of {@code packet}. */
    void onPacket(ByteBuf packet) {
        try {
            if (state == TransportState.CLOSED) {
                metrics.drop(DropReason.NOT_CONNECTED);
                return;
            }
            if (PacketKind.isDtls(packet)) {
                byte[] data = new byte[packet.readableBytes()];
                packet.getBytes(packet.readerIndex(), data);
                if (dtls != null) {
                    dtls.onDatagram(data);
                } else {
                    beforeHandshake(data);
                }
                return;
            }
            if (!PacketKind.isRtpOrRtcp(packet)) {
                metrics.drop(DropReason.UNKNOWN_PROTOCOL);
                return;
            }
            if (srtp == null) {
                metrics.drop(DropReason.NOT_CONNECTED);
                return;
            }
            boolean rtcp = PacketKind.isRtcp(packet);
            SrtpStatus status = rtcp ? srtp.unprotectRtcp(packet) : srtp.unprotectRtp(packet);
            if (status != SrtpStatus.OK) {
                metrics.drop(switch (status) {
                    case AUTH_FAILED -> DropReason.SRTP_AUTH_FAILED;
                    case REPLAY -> DropReason.SRTP_REPLAY;
                    default -> DropReason.SRTP_MALFORMED;
                });
                return;
            }
            consent.onAuthenticatedMedia(System.nanoTime());
            ByteBuf owned = packet;
            packet = null;
            if (rtcp) {
                listener.onRtcp(this, owned);
            } else {
                listener.onRtp(this, owned);
            }
        } finally {
            if (packet != null) {
                packet.release();
            }
        }
    }

    /**
     * Encrypts and sends one RTP packet; takes ownership. The buffer needs {@link SrtpSession#MAX_TRAILER}
     * writable bytes. Returns false when it was dropped.
     */
    @Override
    public boolean sendRtp(ByteBuf packet) {
        return sendSrtp(packet, false);
    }

    /** Like {@link #sendRtp} for one RTCP compound packet. */
    @Override
    public boolean sendRtcp(ByteBuf packet) {
        return sendSrtp(packet, true);
    }

    private boolean sendSrtp(ByteBuf packet, boolean rtcp) {
        if (srtp == null || state != TransportState.CONNECTED) {
            packet.release();
            return false;
        }
        SrtpStatus status = rtcp ? srtp.protectRtcp(packet) : srtp.protectRtp(packet);
        if (status != SrtpStatus.OK) {
            packet.release();
            return false;
        }
        int len = packet.readableBytes();
        if (!sendOnPath(packet)) {
            return false;
        }
        metrics.packetsOut.increment();
        metrics.bytesOut.increment(len);
        return true;
    }

    @Override
    public void flush() {
        if (tcpPath != null) {
            tcpPath.flush();
        } else {
            sender.flush();
        }
    }

    /** True when the peer's consent lapsed ({@link ConsentFreshness}). Media loop only. */
    public boolean consentExpiredNow(long nowNanos) {
        return consent.expired(nowNanos);
    }

    @Override
    public boolean isConnected() {
        return state == TransportState.CONNECTED;
    }

    /** Closes from any thread; idempotent. The listener hears {@code onClosed} once. */
    @Override
    public void close(String reason) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> close(reason));
            return;
        }
        if (state == TransportState.CLOSED) {
            return;
        }
        synchronized (this) { // against a concurrent restartIce registering one more ufrag
            state = TransportState.CLOSED;
            registry.unregister(this, boundUdpAddress);
        }
        cookies = null;
        verifiedHello = null;
        releaseAdmission();
        if (dtls != null) {
            dtls.close();
        }
        srtp = null;
        LOG.fine(() -> "transport " + id + " closed: " + reason);
        if (listener != null) {
            listener.onClosed(this, reason);
        }
    }

    private void releaseAdmission() {
        if (admittedFrom != null) {
            admission.release(admittedFrom);
            admittedFrom = null;
        }
    }

    @Override
    public String toString() {
        return "transport " + id;
    }
}
