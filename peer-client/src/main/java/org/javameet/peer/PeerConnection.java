package org.javameet.peer;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.dtls.DtlsException;
import org.javameet.sfu.dtls.DtlsFingerprint;
import org.javameet.sfu.rtp.PacketKind;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;

/**
 * One client-side ICE + DTLS + SRTP association with a media server (one RTCPeerConnection's BUNDLE transport):
 * a UDP socket on a shared event loop, ICE as the controlling agent towards the server's host candidate,
 * DTLS, then SRTP/SRTCP both ways.
 *
 * <h2>Roles</h2>
 * Towards javameet (the defaults) the server is ICE-lite and answers {@code setup:passive}: we only send checks,
 * and are the DTLS client once one is answered. Towards a full ICE agent such as Janus, {@link IceRole#FULL}
 * in the {@link Options} also answers the server's own binding requests, and the DTLS role given to
 * {@link #connect(ClientSdp.RemoteTransport, DtlsEndpoint.Role)} follows the negotiated {@code a=setup}: the
 * server when the remote answered {@code active} (it sends the ClientHello, so our endpoint listens from
 * {@code connect} on), the client otherwise.
 *
 * <h2>Threads</h2>
 * Everything runs on the connection's event loop ({@link #loop()}), which the owner should share with all
 * of the participant's other state: ICE timers, SRTP in both directions, the {@link RtpTransport.Handler}. Methods may
 * be called from any thread; they hop onto the loop when needed. DTLS handshakes run on the runtime's
 * DTLS executor and hand their keys back to the loop.
 *
 * <h2>Buffers</h2>
 * {@link #sendRtp}/{@link #sendRtcp} take ownership of the buffer (which should have
 * {@link SrtpSession#MAX_TRAILER} writable bytes). The {@link RtpTransport.Handler} gets decrypted packets it does not
 * own: they are released when it returns.
 */
public final class PeerConnection implements RtpTransport, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PeerConnection.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    /** Check retransmission schedule (ms after the first): RFC 8489 doubling, from a loopback-friendly start. */
    private static final long[] CHECK_SCHEDULE_MS = {0, 50, 150, 350, 750, 1550, 3150, 4750, 6350, 7950, 9550};
    /** Then a check every 1.6 s until this: the server's consent timeout, so a busy host is not mistaken for a dead one. */
    static final long ICE_TIMEOUT_MS = 30_000;
    /** RFC 7675 §5.1: a consent check about every 5 s. */
    static final long CONSENT_INTERVAL_MS = 5_000;

    public enum State { NEW, CHECKING, DTLS, CONNECTED, FAILED, CLOSED }

    /** How we take part in ICE; we are always the controlling agent and nominate with every check. */
    public enum IceRole {
        /** Towards an ICE-lite server (javameet): send checks, ignore requests (a lite server sends none). */
        LITE_PEER,
        /** Towards a full agent (Janus): send checks and answer the binding requests it sends us. */
        FULL
    }

    /**
     * How one connection behaves (the DTLS role comes with the remote's SDP, see {@link #connect}).
     *
     * @param ice our part in ICE
     * @param dtlsInitialRetransmitMillis DTLS flight retransmission start (RFC 6347 says 1 s; loopback wants less)
     * @param dtlsTimeoutMillis the whole handshake
     * @param iceTcp connect to the server's passive ICE-TCP candidate (RFC 6544, active side) instead of UDP
     */
    public record Options(IceRole ice, int dtlsInitialRetransmitMillis, int dtlsTimeoutMillis, boolean iceTcp) {
        /** Towards javameet: ICE-lite peer over UDP, 250 ms first retransmission, 30 s handshake. */
        public static Options defaults() {
            return new Options(IceRole.LITE_PEER, 250, 30_000, false);
        }

        public Options withIce(IceRole role) {
            return new Options(role, dtlsInitialRetransmitMillis, dtlsTimeoutMillis, iceTcp);
        }

        public Options withDtlsTimeouts(int timeoutMillis, int initialRetransmitMillis) {
            return new Options(ice, initialRetransmitMillis, timeoutMillis, iceTcp);
        }

        public Options withIceTcp(boolean tcp) {
            return new Options(ice, dtlsInitialRetransmitMillis, dtlsTimeoutMillis, tcp);
        }
    }

    private final PeerRuntime runtime;
    private final String name;
    private final EventLoop loop;
    private final RtpTransport.Handler handler;
    /** Our ICE credentials and fingerprint; an ICE restart replaces the credentials. */
    private volatile ClientSdp.LocalIdentity identity;
    private final long tieBreaker = RANDOM.nextLong() >>> 1;
    private final CompletableFuture<PeerConnection> connected = new CompletableFuture<>();
    private final Options options;
    /** Where an ICE-TCP connection binds its local end (UDP binds in {@link #open}). */
    private final InetAddress bindAddress;
    /** The UDP socket, or the ICE-TCP connection once {@link #connect} opened it. */
    private volatile Channel channel;
    /**
     * ICE-TCP only: the new connection an ICE restart opened, checked with the new credentials; it replaces
     * {@link #channel} once a check on it is answered. Null otherwise. Loop only.
     */
    private Channel restartChannel;
    private ScheduledFuture<?> restartTimer;
    private DtlsEndpoint.Role dtlsRole = DtlsEndpoint.Role.CLIENT;

    // loop only
    private State state = State.NEW;
    private ClientSdp.RemoteTransport remote;
    private InetSocketAddress remoteAddress;
    private final Map<String, Long> pendingChecks = new HashMap<>(); // transaction id (hex) -> sent nanos
    private long checkStartNanos;
    /** When ICE and DTLS first completed ({@link System#nanoTime}, 0 before): the join's stages, see {@link #timing}. */
    private volatile long iceConnectedNanos;
    private volatile long dtlsConnectedNanos;
    private int checkAttempt;
    private ScheduledFuture<?> checkTimer;
    private ScheduledFuture<?> consentTimer;
    private long lastConsentNanos;
    private DtlsEndpoint dtls;
    private SrtpSession srtp;
    /**
     * SRTP that arrived while our half of the DTLS handshake was finishing: the server is done one flight
     * before us and may start sending (a keyframe first) at once; these are decrypted once the keys are here.
     */
    private final java.util.ArrayDeque<byte[]> early = new java.util.ArrayDeque<>();
    private static final int MAX_EARLY = 256;
    private InetSocketAddress mappedAddress;

    // counters, loop only, read through snapshots
    private final Counters counters = new Counters();

    /** Transport-level counters of one connection. */
    public record Stats(String name, State state, InetSocketAddress localAddress, InetSocketAddress remoteAddress,
                        long checksSent, long checkResponses, long consentChecksSent, long checksAnswered,
                        long rtpSent, long datagramsSent, long datagramsReceived, long srtpFailures,
                        long droppedUnknownSender, long sendDrops, String srtpProfile, long iceRestarts) {
    }

    private static final class Counters {
        long checksSent;
        long checkResponses;
        long checksAnswered;
        long rtpSent;
        long consentChecksSent;
        long datagramsSent;
        long datagramsReceived;
        long srtpFailures;
        long unknownSender;
        long sendDrops;
        long iceRestarts;
    }

    private PeerConnection(PeerRuntime runtime, String name, EventLoop loop, RtpTransport.Handler handler, Options options,
                           InetAddress bindAddress) {
        this.runtime = runtime;
        this.bindAddress = bindAddress;
        this.name = name;
        this.loop = loop;
        this.handler = handler;
        this.options = options;
        this.identity = new ClientSdp.LocalIdentity(randomIce(8), randomIce(24), runtime.certificate().fingerprint());
    }

    /** A connection towards javameet ({@link Options#defaults()} with this retransmission start). */
    public static CompletableFuture<PeerConnection> open(PeerRuntime runtime, EventLoop loop, InetAddress bind, String name,
                                                         RtpTransport.Handler handler, int dtlsInitialRetransmitMillis) {
        Options o = Options.defaults();
        return open(runtime, loop, bind, name, handler, o.withDtlsTimeouts(o.dtlsTimeoutMillis(), dtlsInitialRetransmitMillis));
    }

    /**
     * Binds a UDP socket on {@code bind} (port 0) on {@code loop}; completes once bound. With
     * {@link Options#iceTcp()} nothing is bound yet: {@link #connect} opens the TCP connection from {@code bind}.
     */
    public static CompletableFuture<PeerConnection> open(PeerRuntime runtime, EventLoop loop, InetAddress bind, String name,
                                                         RtpTransport.Handler handler, Options options) {
        PeerConnection pc = new PeerConnection(runtime, name, loop, handler, java.util.Objects.requireNonNull(options),
                bind);
        if (options.iceTcp()) {
            return CompletableFuture.completedFuture(pc);
        }
        return ClientSockets.bind(runtime, loop, bind, pc.new Inbound()).thenApply(ch -> {
            pc.channel = ch;
            return pc;
        });
    }

    private static String randomIce(int len) {
        char[] c = new char[len];
        for (int i = 0; i < len; i++) {
            c[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
        }
        return new String(c);
    }

    public String name() { return name; }
    @Override
    public EventLoop loop() { return loop; }
    public ClientSdp.LocalIdentity identity() { return identity; }
    /** The socket's local address; null over ICE-TCP before {@link #connect} connected. */
    public InetSocketAddress localAddress() {
        Channel ch = channel;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    /** Completes when SRTP keys are in place; fails on ICE timeout or DTLS failure. */
    public CompletableFuture<PeerConnection> connected() {
        return connected;
    }

    /**
     * ICE restart, our half (RFC 8445 §9): new local credentials for the next offer or answer; DTLS and SRTP carry
     * on. Checks keep using the current remote credentials until {@link #iceRestarted} gives the new ones.
     */
    public ClientSdp.LocalIdentity restartIce() {
        ClientSdp.LocalIdentity old = identity;
        identity = new ClientSdp.LocalIdentity(randomIce(8), randomIce(24), old.fingerprint());
        return identity;
    }

    /**
     * The server's side of an ICE restart (its SDP with new credentials): checks go to it at once with them, and the
     * consent checks that follow too. The DTLS fingerprint must not change: DTLS is not restarted (RFC 8839).
     */
    public void iceRestarted(ClientSdp.RemoteTransport newRemote) {
        onLoop(() -> {
            if (state == State.CLOSED || state == State.FAILED || remote == null) {
                return;
            }
            if (!remote.fingerprint().equalsIgnoreCase(newRemote.fingerprint())) {
                fail(new IllegalStateException("ICE restart changed the DTLS fingerprint"));
                return;
            }
            remote = newRemote;
            counters.iceRestarts++;
            if (options.iceTcp()) {
                restartOverTcp(newRemote);
                return;
            }
            remoteAddress = newRemote.candidate();
            for (long at : new long[] {0, 50, 150, 350, 750}) { // a few checks, as at the start
                loop.schedule(() -> {
                    if (state != State.CLOSED && state != State.FAILED) {
                        sendCheck(false);
                    }
                }, at, TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * ICE restart over ICE-TCP: a new candidate pair is a new TCP connection (RFC 6544), as a browser makes. Checks
     * with the new credentials go on it, nominating, until one is answered; then it carries everything and the old
     * connection is closed. Until then media stays on the old connection (the server accepts it on either, and sends
     * on the one the latest nomination chose), and its consent checks there nominate nothing. If the new connection
     * cannot be opened or checked within {@link #ICE_TIMEOUT_MS}, the old one goes on as it was.
     */
    private void restartOverTcp(ClientSdp.RemoteTransport newRemote) {
        InetSocketAddress to = newRemote.tcpCandidate();
        if (to == null) {
            fail(new IllegalStateException("ICE-TCP: the restarted server offers no passive TCP candidate"));
            return;
        }
        dropRestartChannel(); // restarted again before the previous restart's connection checked out
        long started = System.nanoTime();
        tcpBootstrap().connect(to, new InetSocketAddress(bindAddress, 0))
                .addListener((io.netty.channel.ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        LOG.info(() -> name + ": ICE restart: no new TCP connection to " + to + ": " + f.cause());
                        return;
                    }
                    if (state == State.CLOSED || state == State.FAILED || remote != newRemote) {
                        f.channel().close(); // closed, or restarted again meanwhile
                        return;
                    }
                    restartChannel = f.channel();
                    remoteAddress = to;
                    checkRestartChannel(f.channel(), started, 0);
                });
    }

    private void checkRestartChannel(Channel ch, long startedNanos, int attempt) {
        if (ch != restartChannel || state == State.CLOSED || state == State.FAILED) {
            return;
        }
        long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
        if (elapsedMs >= ICE_TIMEOUT_MS) {
            LOG.info(() -> name + ": ICE restart: no answer on the new TCP connection in " + ICE_TIMEOUT_MS + " ms");
            dropRestartChannel();
            return;
        }
        sendCheck(false, ch);
        long next = attempt + 1 < CHECK_SCHEDULE_MS.length ? CHECK_SCHEDULE_MS[attempt + 1] : elapsedMs + 1600;
        restartTimer = loop.schedule(() -> checkRestartChannel(ch, startedNanos, attempt + 1),
                Math.max(1, next - elapsedMs), TimeUnit.MILLISECONDS);
    }

    /** A check on the restart's connection was answered: it is the path now, and the old connection goes. */
    private void adoptRestartChannel() {
        Channel old = channel;
        channel = restartChannel;
        restartChannel = null;
        if (restartTimer != null) {
            restartTimer.cancel(false);
        }
        if (old != null) {
            old.close();
        }
        LOG.fine(() -> name + ": ICE restart: now on the new TCP connection " + channel.localAddress());
    }

    private void dropRestartChannel() {
        if (restartTimer != null) {
            restartTimer.cancel(false);
        }
        if (restartChannel != null) {
            restartChannel.close();
            restartChannel = null;
        }
    }

    /** The server's transport as its SDP gave it, or null before {@link #connect}. */
    public ClientSdp.RemoteTransport remote() {
        return remote;
    }

    /** Starts ICE towards the server's candidate, as the DTLS client (javameet answers {@code passive}). Once only. */
    public void connect(ClientSdp.RemoteTransport remoteTransport) {
        connect(remoteTransport, DtlsEndpoint.Role.CLIENT);
    }

    /**
     * Starts ICE towards the server's candidate. As DTLS client the handshake follows the first successful
     * check; as DTLS server the endpoint listens at once (the remote may finish ICE first). Once only.
     */
    public void connect(ClientSdp.RemoteTransport remoteTransport, DtlsEndpoint.Role role) {
        java.util.Objects.requireNonNull(role, "role");
        onLoop(() -> {
            if (state != State.NEW) {
                return;
            }
            dtlsRole = role;
            remote = remoteTransport;
            state = State.CHECKING;
            checkStartNanos = System.nanoTime();
            if (options.iceTcp()) {
                remoteAddress = remoteTransport.tcpCandidate();
                if (remoteAddress == null) {
                    fail(new IllegalStateException("ICE-TCP: the server offers no passive TCP candidate"));
                    return;
                }
                connectTcp();
                return;
            }
            remoteAddress = remoteTransport.candidate();
            startChecks();
        });
    }

    private void startChecks() {
        if (dtlsRole == DtlsEndpoint.Role.SERVER) {
            startDtls();
        }
        sendCheckAndSchedule();
    }

    /**
     * RFC 6544 active side: one TCP connection to the server's passive candidate, every packet framed with a
     * 2-byte length (RFC 4571); checks start once it is connected.
     */
    private void connectTcp() {
        tcpBootstrap().connect(remoteAddress, new InetSocketAddress(bindAddress, 0))
                .addListener((io.netty.channel.ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        fail(f.cause());
                        return;
                    }
                    channel = f.channel();
                    if (state == State.CLOSED) {
                        channel.close();
                        return;
                    }
                    startChecks();
                });
    }

    /** One ICE-TCP connection on this connection's loop, its frames cut by their 2-byte length (RFC 4571). */
    private Bootstrap tcpBootstrap() {
        return new Bootstrap().group(loop)
                .channel(runtime.epoll() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2), new TcpInbound());
                    }
                });
    }

    private void sendCheckAndSchedule() {
        if (state != State.CHECKING) {
            return;
        }
        long elapsedMs = (System.nanoTime() - checkStartNanos) / 1_000_000;
        if (elapsedMs >= ICE_TIMEOUT_MS) {
            fail(new TimeoutException("ICE: no binding response from " + remoteAddress + " in " + ICE_TIMEOUT_MS + " ms"));
            return;
        }
        sendCheck(false);
        checkAttempt++;
        long next = checkAttempt < CHECK_SCHEDULE_MS.length ? CHECK_SCHEDULE_MS[checkAttempt] : elapsedMs + 1600;
        checkTimer = loop.schedule(this::sendCheckAndSchedule, Math.max(1, next - elapsedMs), TimeUnit.MILLISECONDS);
    }

    private void sendCheck(boolean consent) {
        sendCheck(consent, channel);
    }

    /**
     * One check on {@code via}. Connectivity checks nominate (USE-CANDIDATE); consent checks (RFC 7675) do not, so
     * one on a pair an ICE restart is replacing never pulls the media back onto it.
     */
    private void sendCheck(boolean consent, Channel via) {
        byte[] tx = IceCheck.newTransactionId();
        byte[] req = IceCheck.bindingRequest(tx, remote.iceUfrag(), identity.iceUfrag(), remote.icePwd(), tieBreaker,
                !consent);
        if (pendingChecks.size() > 64) {
            pendingChecks.clear(); // responses that never came; keep the table small
        }
        pendingChecks.put(hex(tx), System.nanoTime());
        if (consent) {
            counters.consentChecksSent++;
        } else {
            counters.checksSent++;
        }
        writeTo(via, Unpooled.wrappedBuffer(req));
    }

    private void onStun(byte[] raw, InetSocketAddress from, Channel via) {
        if (remote == null) {
            return;
        }
        if (options.ice() == IceRole.FULL && IceCheck.isBindingRequest(raw)) {
            byte[] answer = IceCheck.bindingSuccess(raw, from, identity.icePwd());
            if (answer != null) {
                counters.checksAnswered++;
                writeDatagram(Unpooled.wrappedBuffer(answer));
            }
            return;
        }
        IceCheck.Response r = IceCheck.parseResponse(raw, remote.icePwd());
        if (r == null || pendingChecks.remove(hex(r.transactionId())) == null) {
            return;
        }
        counters.checkResponses++;
        if (!r.success()) {
            LOG.fine(() -> name + ": binding error " + r.errorCode());
            return;
        }
        lastConsentNanos = System.nanoTime();
        mappedAddress = r.mappedAddress();
        if (via != null && via == restartChannel) {
            adoptRestartChannel();
        }
        if (state == State.CHECKING) {
            iceConnected();
            if (dtls == null) {
                startDtls();
            }
        }
    }

    /** The first answered check (or, as DTLS server, a handshake that finished before it): checks become consent. */
    private void iceConnected() {
        state = State.DTLS;
        iceConnectedNanos = System.nanoTime();
        if (checkTimer != null) {
            checkTimer.cancel(false);
        }
        consentTimer = loop.scheduleAtFixedRate(() -> sendCheck(true), CONSENT_INTERVAL_MS, CONSENT_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    private void startDtls() {
        DtlsFingerprint fp = DtlsFingerprint.parse(remote.fingerprint());
        DtlsEndpoint.Options opts = DtlsEndpoint.Options.defaults()
                .withTimeouts(options.dtlsTimeoutMillis(), options.dtlsInitialRetransmitMillis());
        dtls = new DtlsEndpoint(dtlsRole, runtime.certificate(), fp, this::sendDtls,
                runtime.dtlsExecutor(), new DtlsEndpoint.Listener() {
                    @Override
                    public void onConnected(SrtpKeys keys) {
                        loop.execute(() -> dtlsConnected(keys));
                    }

                    @Override
                    public void onFailed(DtlsException e) {
                        loop.execute(() -> fail(e));
                    }

                    @Override
                    public void onClosed() {
                        loop.execute(() -> close());
                    }
                }, opts);
        dtls.start();
    }

    /** DTLS executor thread: BouncyCastle reuses {@code data}, so copy before returning. */
    private void sendDtls(byte[] data, int off, int len) {
        Channel ch = channel;
        InetSocketAddress to = remoteAddress;
        if (ch == null || to == null || !ch.isActive()) {
            return;
        }
        ch.writeAndFlush(packetFor(Unpooled.copiedBuffer(data, off, len), to), ch.voidPromise());
    }

    /** One outbound packet as the channel takes it: a datagram, or over ICE-TCP one length-prefixed frame. */
    private Object packetFor(ByteBuf data, InetSocketAddress to) {
        if (!options.iceTcp()) {
            return new DatagramPacket(data, to);
        }
        ByteBuf prefix = Unpooled.buffer(2).writeShort(data.readableBytes());
        return Unpooled.wrappedBuffer(prefix, data); // one message: written whole even from another thread
    }

    private void dtlsConnected(SrtpKeys keys) {
        if (state == State.CHECKING) {
            iceConnected(); // the remote's checks got through and its handshake beat our check's answer
        }
        if (state != State.DTLS) {
            return;
        }
        srtp = new SrtpSession(keys);
        state = State.CONNECTED;
        dtlsConnectedNanos = System.nanoTime();
        while (!early.isEmpty()) {
            onSrtp(early.poll());
        }
        connected.complete(this);
    }

    private void fail(Throwable cause) {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        LOG.info(() -> name + " failed: " + cause.getMessage());
        state = State.FAILED;
        stopTimers();
        connected.completeExceptionally(cause);
    }

    private final ClientSockets.Loss loss = new ClientSockets.Loss();

    /**
     * Fault injection for tests and the load harness: drops this share of RTP packets, independently at
     * random, before encrypting them on send and before decrypting them on receive. RTCP is never dropped,
     * so the NACKs and reports that repair the loss get through.
     */
    public void setLossPercent(double percent) {
        loss.setPercent(percent);
    }

    /** Encrypts and sends one RTP packet; takes ownership. False when dropped (not connected, socket full). */
    @Override
    public boolean sendRtp(ByteBuf packet) {
        if (loss.drop()) {
            packet.release();
            return true;
        }
        return sendSrtp(packet, false);
    }

    /** Encrypts and sends one RTCP compound; takes ownership. */
    @Override
    public boolean sendRtcp(ByteBuf packet) {
        return sendSrtp(packet, true);
    }

    private boolean sendSrtp(ByteBuf packet, boolean rtcp) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> sendSrtp(packet, rtcp));
            return true;
        }
        if (srtp == null || state != State.CONNECTED) {
            packet.release();
            counters.sendDrops++;
            return false;
        }
        SrtpStatus s = rtcp ? srtp.protectRtcp(packet) : srtp.protectRtp(packet);
        if (s != SrtpStatus.OK) {
            packet.release();
            counters.sendDrops++;
            return false;
        }
        if (!rtcp) {
            counters.rtpSent++;
        }
        return writeDatagram(packet);
    }

    /** Sends bytes as they are, unencrypted, to the server's address: for fault injection in tests. */
    public void sendRaw(byte[] datagram) {
        onLoop(() -> writeDatagram(Unpooled.wrappedBuffer(datagram.clone())));
    }

    private boolean writeDatagram(ByteBuf buf) {
        return writeTo(channel, buf);
    }

    private boolean writeTo(Channel ch, ByteBuf buf) {
        if (ch == null || !ch.isActive() || remoteAddress == null || !ch.isWritable()) {
            buf.release();
            counters.sendDrops++;
            return false;
        }
        counters.datagramsSent++;
        ch.writeAndFlush(packetFor(buf, remoteAddress), ch.voidPromise());
        return true;
    }

    /** ICE-TCP: each inbound frame, its length prefix already cut off, is one datagram. */
    private final class TcpInbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                onDatagram(frame, remoteAddress, ctx.channel());
            } catch (RuntimeException e) {
                LOG.log(java.util.logging.Level.WARNING, name + ": frame handling failed", e);
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == restartChannel) {
                LOG.info(() -> name + ": ICE restart: the new TCP connection closed before it checked out");
                dropRestartChannel();
                return;
            }
            if (ctx.channel() == channel && state != State.CLOSED) { // not one an ICE restart replaced
                LOG.info(() -> name + ": ICE-TCP connection closed by the server");
                fail(new java.io.IOException("ICE-TCP connection closed by the server"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.fine(() -> name + ": ICE-TCP error " + cause);
            ctx.close();
        }
    }

    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket dp)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                onDatagram(dp.content(), dp.sender(), null);
            } catch (RuntimeException e) {
                LOG.log(java.util.logging.Level.WARNING, name + ": datagram handling failed", e);
            } finally {
                dp.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.fine(() -> name + ": socket error " + cause);
        }
    }

    /**
     * One datagram, copied once out of the socket's buffer into a heap array: STUN and DTLS want arrays
     * anyway, and SRTP works in place on heap buffers without a scratch copy.
     */
    private void onDatagram(ByteBuf datagram, InetSocketAddress from, Channel via) {
        counters.datagramsReceived++;
        if (remoteAddress == null || !remoteAddress.equals(from)) {
            counters.unknownSender++;
            return;
        }
        byte[] raw = new byte[datagram.readableBytes()];
        datagram.getBytes(datagram.readerIndex(), raw);
        if (raw.length == 0) {
            return;
        }
        int first = raw[0] & 0xFF;
        if (first <= 3) {
            onStun(raw, from, via);
        } else if (first >= 20 && first <= 63) {
            if (dtls != null) {
                dtls.onDatagram(raw);
            }
        } else if (first >= 128 && first <= 191) {
            if (srtp != null) {
                onSrtp(raw);
            } else if (state == State.DTLS && early.size() < MAX_EARLY) {
                early.add(raw);
            }
        }
    }

    /** Null when the downlink is not capped. Loop only. */
    private ReceiveRateCap receiveCap;
    private boolean drainScheduled;

    /**
     * Fault injection for tests and the load harness: caps the RTP this connection receives at {@code bitsPerSecond}
     * as a shaped downlink does (queueing, then dropping; see {@link ReceiveRateCap}); 0 lifts the cap, handing on
     * what is queued at once.
     */
    public void setReceiveRateCap(long bitsPerSecond) {
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("receive rate cap must be >= 0, got " + bitsPerSecond);
        }
        onLoop(() -> {
            ReceiveRateCap old = receiveCap;
            receiveCap = bitsPerSecond == 0 ? null : new ReceiveRateCap(bitsPerSecond, System.nanoTime());
            if (old != null) {
                capDropped += old.dropped();
                for (byte[] queued : old.takeAll()) {
                    deliverSrtp(queued);
                }
            }
        });
    }

    /** RTP the receive cap dropped so far, over every cap set. Loop only. */
    private long capDropped;

    /** RTP datagrams a receive cap ({@link #setReceiveRateCap}) dropped, over every cap set so far. */
    public long receiveCapDropped() {
        return onLoopGet(() -> capDropped + (receiveCap == null ? 0 : receiveCap.dropped()));
    }

    private void onSrtp(byte[] raw) {
        ReceiveRateCap cap = receiveCap;
        if (cap != null && !(raw.length > 1 && (raw[1] & 0xFF) >= 192 && (raw[1] & 0xFF) <= 223)) { // RTP (RFC 5761)
            if (cap.offer(raw, System.nanoTime())) {
                drainCap();
            }
            return;
        }
        deliverSrtp(raw);
    }

    /** Hands on what the cap lets through now, then comes back when the next may pass. */
    private void drainCap() {
        ReceiveRateCap cap = receiveCap;
        if (cap == null || drainScheduled || state == State.CLOSED) {
            return;
        }
        long now = System.nanoTime();
        byte[] next;
        while ((next = cap.poll(now)) != null) {
            deliverSrtp(next);
        }
        long wait = cap.nanosUntilNext(now);
        if (wait >= 0) {
            drainScheduled = true;
            loop.schedule(() -> {
                drainScheduled = false;
                drainCap();
            }, Math.max(wait, 100_000), TimeUnit.NANOSECONDS);
        }
    }

    private void deliverSrtp(byte[] raw) {
        if (srtp == null) {
            return;
        }
        lastConsentNanos = System.nanoTime();
        ByteBuf data = Unpooled.wrappedBuffer(raw);
        try {
            boolean rtcp = PacketKind.isRtcp(data);
            if (!rtcp && loss.drop()) {
                return;
            }
            SrtpStatus s = rtcp ? srtp.unprotectRtcp(data) : srtp.unprotectRtp(data);
            if (s != SrtpStatus.OK) {
                counters.srtpFailures++;
                return;
            }
            if (rtcp) {
                handler.onRtcp(this, data);
            } else {
                handler.onRtp(this, data);
            }
        } finally {
            data.release();
        }
    }

    /** A consistent snapshot of the counters (hops onto the loop and waits, unless called there). */
    public Stats stats() {
        return onLoopGet(() -> new Stats(name, state, localAddress(), remoteAddress,
                counters.checksSent, counters.checkResponses, counters.consentChecksSent, counters.checksAnswered,
                counters.rtpSent, counters.datagramsSent,
                counters.datagramsReceived, counters.srtpFailures, counters.unknownSender, counters.sendDrops,
                srtp == null ? null : srtp.profile().name(), counters.iceRestarts));
    }

    public State state() {
        return onLoopGet(() -> state);
    }

    /**
     * When this connection's first ICE check went out, was first answered (or, as DTLS server, the handshake beat
     * the answer), and DTLS finished: {@link System#nanoTime}, 0 for what has not happened.
     */
    public record Timing(long checksStartNanos, long iceConnectedNanos, long dtlsConnectedNanos) {
    }

    public Timing timing() {
        return onLoopGet(() -> new Timing(checkStartNanos, iceConnectedNanos, dtlsConnectedNanos));
    }

    /** The address the server saw our checks come from (XOR-MAPPED-ADDRESS), or null before ICE. */
    public InetSocketAddress mappedAddress() {
        return onLoopGet(() -> mappedAddress);
    }

    private void stopTimers() {
        dropRestartChannel();
        if (checkTimer != null) {
            checkTimer.cancel(false);
        }
        if (consentTimer != null) {
            consentTimer.cancel(false);
        }
    }

    /** Sends close_notify if connected and closes the socket. Idempotent, any thread, does not wait. */
    @Override
    public void close() {
        onLoop(() -> {
            if (state == State.CLOSED) {
                return;
            }
            State previous = state;
            state = State.CLOSED;
            stopTimers();
            if (dtls != null) {
                dtls.close();
            }
            if (srtp != null) {
                srtp.close();
                srtp = null;
            }
            early.clear();
            if (channel != null) {
                channel.close();
            }
            if (previous != State.CONNECTED) {
                connected.completeExceptionally(new IllegalStateException(name + " closed"));
            }
        });
    }

    void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    <T> T onLoopGet(java.util.function.Supplier<T> s) {
        if (loop.inEventLoop()) {
            return s.get();
        }
        try {
            return loop.submit(s::get).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(name + ": loop did not answer", e);
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    @Override
    public String toString() {
        return "PeerConnection " + name;
    }
}
