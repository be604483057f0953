package org.javameet.bench.load.targets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.javameet.bench.load.client.ClientLoops;
import org.javameet.bench.load.client.LossModel;
import org.javameet.bench.load.client.MediaLink;
import org.javameet.sfu.dtls.DtlsCertificate;
import org.javameet.sfu.dtls.DtlsEndpoint;
import org.javameet.sfu.dtls.DtlsException;
import org.javameet.sfu.dtls.DtlsFingerprint;
import org.javameet.sfu.rtp.PacketKind;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpSession;
import org.javameet.sfu.srtp.SrtpStatus;
import org.javameet.sfu.stun.StunException;
import org.javameet.sfu.stun.StunMessage;
import org.javameet.sfu.stun.StunMessageBuilder;

/**
 * One ICE + DTLS + SRTP association with Janus, built from sfu-core's STUN builder, {@link DtlsEndpoint} and
 * {@link SrtpSession}: a Janus-specific twin of peer-client's PeerConnection, because towards Janus the DTLS role
 * depends on who offered (Janus answering our publish offer takes {@code setup:active}, so we are the DTLS
 * server there; on subscriber connections Janus offers actpass and we answer active, the client).
 *
 * <p>We are the controlling full agent: binding requests with USE-CANDIDATE go to Janus's candidate until one is
 * answered, and requests Janus sends (if it is not ICE-lite) are answered. RTP (not STUN, DTLS or RTCP) is dropped
 * at {@code --loss} on the way in (before decryption) and out (before encryption). Everything runs on one loop.
 */
final class JanusTransport implements MediaLink {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    /** Decrypted packets, on the loop; released after the call. */
    interface Handler {
        void onRtp(ByteBuf packet);

        void onRtcp(ByteBuf packet);
    }

    private final ClientLoops loops;
    private final EventLoop loop;
    private final DtlsCertificate certificate;
    private final LossModel loss;
    private final Handler handler;
    final String ufrag = random(8);
    final String pwd = random(24);
    private final long tieBreaker = RANDOM.nextLong() >>> 1;
    private final CompletableFuture<JanusTransport> connected = new CompletableFuture<>();
    final AtomicLong rtpSent = new AtomicLong();
    final AtomicLong datagramsReceived = new AtomicLong();
    private DatagramChannel channel;
    // loop only
    private InetSocketAddress remote;
    private String remoteUfrag;
    private String remotePwd;
    private byte[] pendingTx;
    private boolean iceDone;
    private int checks;
    private ScheduledFuture<?> checkTimer;
    private DtlsEndpoint dtls;
    private SrtpSession srtp;
    private boolean closed;

    private JanusTransport(ClientLoops loops, EventLoop loop, DtlsCertificate certificate, LossModel loss, Handler handler) {
        this.loops = loops;
        this.loop = loop;
        this.certificate = certificate;
        this.loss = loss;
        this.handler = handler;
    }

    static CompletableFuture<JanusTransport> open(ClientLoops loops, EventLoop loop, DtlsCertificate certificate,
                                                  LossModel loss, Handler handler) {
        JanusTransport t = new JanusTransport(loops, loop, certificate, loss, handler);
        // libnice never gathers loopback candidates, so Janus's are this host's own addresses: bind the wildcard so
        // replies from them reach us; connect() refuses any address that is not this machine's
        return loops.bind(loop, t.new Inbound(), wildcard()).thenApply(ch -> {
            t.channel = ch;
            return t;
        });
    }

    JanusSdp.Local local() {
        int port = ((InetSocketAddress) channel.localAddress()).getPort();
        return new JanusSdp.Local(ufrag, pwd, certificate.fingerprint(),
                new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
    }

    private static java.net.InetAddress wildcard() {
        try {
            return java.net.InetAddress.getByName("0.0.0.0");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code a} belongs to this machine (traffic to it never leaves the host). */
    static boolean isLocal(java.net.InetAddress a) {
        try {
            return a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    CompletableFuture<JanusTransport> connected() {
        return connected;
    }

    /**
     * Starts ICE towards {@code candidate} with the remote credentials; then DTLS in {@code role} checking
     * {@code fingerprint}.
     */
    void connect(InetSocketAddress candidate, String remoteUfrag, String remotePwd, String fingerprint,
                 DtlsEndpoint.Role role) {
        if (!isLocal(candidate.getAddress())) {
            connected.completeExceptionally(new IllegalStateException("refusing to send to " + candidate
                    + ": not an address of this machine"));
            return;
        }
        loop.execute(() -> {
            this.remote = candidate;
            this.remoteUfrag = remoteUfrag;
            this.remotePwd = remotePwd;
            DtlsEndpoint.Options opts = DtlsEndpoint.Options.defaults().withTimeouts(20_000, 250);
            dtls = new DtlsEndpoint(role, certificate, DtlsFingerprint.parse(fingerprint), this::sendDtls,
                    loops.dtlsExecutor(), new DtlsEndpoint.Listener() {
                        @Override
                        public void onConnected(SrtpKeys keys) {
                            loop.execute(() -> {
                                srtp = new SrtpSession(keys);
                                connected.complete(JanusTransport.this);
                            });
                        }

                        @Override
                        public void onFailed(DtlsException e) {
                            connected.completeExceptionally(e);
                        }

                        @Override
                        public void onClosed() {
                            close();
                        }
                    }, opts);
            if (role == DtlsEndpoint.Role.SERVER) {
                dtls.start(); // waits for Janus's ClientHello, which comes once ICE is up on its side
            }
            check();
        });
    }

    private void check() {
        if (closed) {
            return;
        }
        if (!iceDone && checks > 100) {
            connected.completeExceptionally(new TimeoutException("ICE: no answer from Janus at " + remote));
            return;
        }
        sendCheck();
        checks++;
        long next = iceDone ? 5000 : Math.min(500, 50L * checks);
        checkTimer = loop.schedule(this::check, next, TimeUnit.MILLISECONDS);
    }

    static final boolean DEBUG = Boolean.getBoolean("javameet.load.debug");

    private void debug(String s) {
        if (DEBUG) {
            System.out.println("[janus-transport " + ufrag + "] " + s);
        }
    }

    private void sendCheck() {
        debug("check " + checks + " to " + remote + " as " + remoteUfrag + ":" + ufrag);
        pendingTx = StunMessageBuilder.newTransactionId();
        ByteBuf b = channel.alloc().heapBuffer(128);
        StunMessageBuilder.bindingRequest(pendingTx).username(remoteUfrag + ":" + ufrag)
                .priority((110L << 24) | (65535L << 8) | 255).iceControlling(tieBreaker).useCandidate()
                .messageIntegrity(remotePwd.getBytes(StandardCharsets.UTF_8)).fingerprint().writeTo(b);
        write(b);
    }

    private void onStun(ByteBuf b, InetSocketAddress from) {
        StunMessage m;
        try {
            m = StunMessage.parse(b);
        } catch (StunException e) {
            debug("bad STUN from " + from + ": " + e.getMessage());
            return;
        }
        debug("STUN " + Integer.toHexString(m.messageType()) + " from " + from);
        if (m.messageType() == StunMessage.BINDING_REQUEST) {
            ByteBuf out = channel.alloc().heapBuffer(128);
            StunMessageBuilder.writeBindingSuccess(out, m.transactionId(), from, pwd.getBytes(StandardCharsets.UTF_8));
            write(out);
        } else if (m.messageType() == StunMessage.BINDING_SUCCESS && pendingTx != null
                && Arrays.equals(pendingTx, m.transactionId()) && !iceDone) {
            iceDone = true;
            if (dtls.role() == DtlsEndpoint.Role.CLIENT) {
                dtls.start();
            }
        }
    }

    private void sendDtls(byte[] data, int off, int len) {
        DatagramChannel ch = channel;
        InetSocketAddress to = remote;
        if (ch != null && to != null && ch.isActive()) {
            ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer(data, off, len), to), ch.voidPromise());
        }
    }

    @Override
    public void sendRtp(ByteBuf packet) {
        if (srtp == null || loss.drop() || srtp.protectRtp(packet) != SrtpStatus.OK) {
            packet.release();
            return;
        }
        rtpSent.incrementAndGet();
        write(packet);
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        if (srtp == null || srtp.protectRtcp(packet) != SrtpStatus.OK) {
            packet.release();
            return;
        }
        write(packet);
    }

    private void write(ByteBuf b) {
        DatagramChannel ch = channel;
        if (ch == null || !ch.isActive() || remote == null || !ch.isWritable()) {
            b.release();
            return;
        }
        ch.writeAndFlush(new DatagramPacket(b, remote), ch.voidPromise());
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket dp) {
            ByteBuf b = dp.content();
            datagramsReceived.incrementAndGet();
            if (PacketKind.isStun(b)) {
                onStun(b, dp.sender());
            } else if (PacketKind.isDtls(b)) {
                if (dtls != null) {
                    byte[] raw = new byte[b.readableBytes()];
                    b.getBytes(b.readerIndex(), raw);
                    dtls.onDatagram(raw);
                }
            } else if (PacketKind.isRtpOrRtcp(b) && srtp != null) {
                boolean rtcp = PacketKind.isRtcp(b);
                if (!rtcp && loss.drop()) {
                    return;
                }
                if ((rtcp ? srtp.unprotectRtcp(b) : srtp.unprotectRtp(b)) != SrtpStatus.OK) {
                    return;
                }
                if (rtcp) {
                    handler.onRtcp(b);
                } else {
                    handler.onRtp(b);
                }
            }
        }
    }

    void close() {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            closed = true;
            if (checkTimer != null) {
                checkTimer.cancel(false);
            }
            if (dtls != null) {
                dtls.close();
            }
            if (srtp != null) {
                srtp.close();
                srtp = null;
            }
            if (channel != null) {
                channel.close();
            }
            connected.completeExceptionally(new IllegalStateException("closed"));
        });
    }

    private static String random(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ICE_CHARS[RANDOM.nextInt(ICE_CHARS.length)];
        }
        return new String(c);
    }
}
