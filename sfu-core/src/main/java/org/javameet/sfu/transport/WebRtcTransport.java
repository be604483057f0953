package org.javameet.sfu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.javameet.sfu.dtls.DtlsCertificate;
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
    /** DTLS datagrams kept while the remote fingerprint is not yet known (the answer may trail the ClientHello). */
    private static final int MAX_EARLY_DTLS = 16;
    /** RFC 7675 consent: without a valid check or media for this long, the peer is gone. */
    public static final long CONSENT_TIMEOUT_NANOS = 30_000_000_000L;

    private final String id;
    private final LocalTransportParams local;
    private final byte[] localPwdKey;
    private final EventLoop loop;
    private final PacketSender sender;
    private final TransportRegistry registry;
    private final DtlsCertificate certificate;
    private final Executor dtlsExecutor;
    private final MediaMetrics metrics;
    private final ByteBufAllocator alloc;
    private final DtlsAdmission admission;
    /** The address whose handshake slot this transport holds, or null. */
    private java.net.InetAddress admittedFrom;
    private MediaLink.Listener listener;

    private TransportState state = TransportState.NEW;
    private RemoteTransportParams remote;
    private InetSocketAddress remoteAddress;
    private DtlsEndpoint dtls;
    private final ArrayDeque<byte[]> earlyDtls = new ArrayDeque<>();
    private SrtpSession srtp;
    private long lastHeardNanos = System.nanoTime();
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
        this.localPwdKey = local.icePwd().getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
    @Override
    public ByteBufAllocator alloc() { return alloc; }
    @Override
    public MediaMetrics metrics() { return metrics; }
    byte[] localPwdKey() { return localPwdKey; }

    /** Must be set before the transport can deliver anything; set once, from any thread, before it is used. */
    @Override
    public void listener(MediaLink.Listener listener) {
        this.listener = listener;
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
                && System.nanoTime() - boundThere.lastHeardNanos < ADDRESS_IN_USE_NANOS) {
            return DropReason.STUN_ADDRESS_IN_USE;
        }
        recentCheckIds[nextCheck] = transactionId;
        recentCheckFrom[nextCheck] = from;
        nextCheck = (nextCheck + 1) % RECENT_CHECKS;
        return null;
    }

    /**
     * A binding request with valid integrity arrived from {@code from} (called by the socket handler once {@link
     * #checkRefusal} let it through). The first valid check binds its address; later, only a nominated one (ICE-lite,
     * RFC 8445 §6.1.3.3: the controlling agent nominates with USE-CANDIDATE) moves the media to a new address, which
     * is counted and logged (rate-limited). A check on another pair without USE-CANDIDATE is answered and moves
     * nothing.
     */
    void onIceCheck(InetSocketAddress from, boolean useCandidate) {
        lastHeardNanos = System.nanoTime();
        if (state == TransportState.CLOSED) {
            return;
        }
        if (remoteAddress == null || (useCandidate && !from.equals(remoteAddress))) {
            InetSocketAddress previous = remoteAddress;
            if (previous != null) {
                metrics.iceAddressChanges.increment();
                logMove(previous, from);
            }
            remoteAddress = from;
            registry.bindAddress(from, this, previous);
            if (state == TransportState.NEW) {
                state = TransportState.CONNECTING;
            }
            startDtlsIfReady();
        }
    }

    /**
     * Starts the handshake once the SDP, a valid ICE check and the peer's first DTLS datagram (we are always the
     * server) are all there: a STUN check alone costs no handshake thread. Without a free {@link DtlsAdmission}
     * slot the datagrams are dropped and counted; the peer's retransmission tries again.
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
        if (dtls != null || remote == null || remoteAddress == null || earlyDtls.isEmpty()
                || state == TransportState.CLOSED) {
            return;
        }
        java.net.InetAddress from = remoteAddress.getAddress();
        DtlsAdmission.Result admitted = admission.tryAcquire(from);
        if (admitted != DtlsAdmission.Result.ADMITTED) {
            earlyDtls.clear();
            (admitted == DtlsAdmission.Result.BUSY ? metrics.dtlsRefusedBusy : metrics.dtlsRefusedPerAddress)
                    .increment();
            return;
        }
        admittedFrom = from;
        dtls = new DtlsEndpoint(DtlsEndpoint.Role.SERVER, certificate,
                new DtlsFingerprint(remote.fingerprintAlgorithm(), remote.fingerprintHex()), this::sendDtls, dtlsExecutor, new DtlsEndpoint.Listener() {
                    @Override
                    public void onConnected(SrtpKeys keys) {
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
        dtls.start();
        while (!earlyDtls.isEmpty()) {
            dtls.onDatagram(earlyDtls.poll());
        }
    }

    private void sendDtls(byte[] data, int off, int len) {
        InetSocketAddress to = remoteAddress;
        if (to == null || state == TransportState.CLOSED) {
            return;
        }
        ByteBuf buf = Unpooled.copiedBuffer(data, off, len);
        loop.execute(() -> {
            if (sender.send(buf, to)) {
                metrics.packetsOut.increment();
                metrics.bytesOut.increment(len);
            }
            sender.flush();
        });
    }

    private void dtlsConnected(SrtpKeys keys) {
        if (state == TransportState.CLOSED) {
            return;
        }
        releaseAdmission();
        srtp = new SrtpSession(keys);
        state = TransportState.CONNECTED;
        metrics.dtlsHandshakes.increment();
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
                } else if (earlyDtls.size() < MAX_EARLY_DTLS) {
                    earlyDtls.add(data);
                    startDtlsIfReady();
                } else {
                    metrics.drop(DropReason.DTLS_QUEUE_FULL);
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
            lastHeardNanos = System.nanoTime();
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
        if (!sender.send(packet, remoteAddress)) {
            metrics.drop(DropReason.SEND_BUFFER_FULL);
            return false;
        }
        metrics.packetsOut.increment();
        metrics.bytesOut.increment(len);
        return true;
    }

    @Override
    public void flush() {
        sender.flush();
    }

    /** True when neither a check nor media arrived within the consent timeout. Media loop only. */
    public boolean consentExpiredNow(long nowNanos) {
        return nowNanos - lastHeardNanos > CONSENT_TIMEOUT_NANOS;
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
        state = TransportState.CLOSED;
        registry.unregister(this, remoteAddress);
        earlyDtls.clear();
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
