package org.javameet.bench.load.targets;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.javameet.bench.load.run.LoadOptions;
import org.javameet.bench.load.run.LoadParticipant;
import org.javameet.peer.ClientSdp;
import org.javameet.peer.MediaReceiver;
import org.javameet.peer.PeerRuntime;
import org.javameet.peer.UdpRtpTransport;
import org.javameet.sfu.srtp.SrtpKeys;
import org.javameet.sfu.srtp.SrtpProfile;
import org.javameet.sfu.webrtc.MediaKind;

/**
 * A participant of the baseline: the same synthetic media as everywhere (peer-client's engine), over one
 * SDP-less {@link UdpRtpTransport} to the {@link BaselineRelay}; no ICE, DTLS or feedback. Plain RTP, or with
 * {@code srtp} AEAD_AES_128_GCM (the profile javameet negotiates with browsers and peer-client), keyed by random
 * material this participant sends the relay in its {@code JOIN} datagram (loopback only; keys for one run).
 */
final class BaselineParticipant implements LoadParticipant {
    /** The relay does not rewrite payload types: every stream arrives with peer-client's own. */
    private static final Map<Integer, MediaKind> LEARN =
            Map.of(ClientSdp.OPUS_PT, MediaKind.AUDIO, ClientSdp.VP8_PT, MediaKind.VIDEO);
    static final SrtpProfile SRTP_PROFILE = SrtpProfile.AEAD_AES_128_GCM;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PeerRuntime runtime;
    private final InetSocketAddress relay;
    private final Seat seat;
    private final boolean srtp;
    private final double lossPercent;
    private final EngineMedia peer;
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private volatile UdpRtpTransport transport;

    BaselineParticipant(PeerRuntime runtime, InetSocketAddress relay, Seat seat, boolean srtp, LoadOptions options) {
        this.runtime = runtime;
        this.relay = relay;
        this.seat = seat;
        this.srtp = srtp;
        this.lossPercent = options.lossPercent();
        this.peer = new EngineMedia(runtime, options, seat.publisher(), false, new MediaReceiver.Options(false, LEARN));
    }

    @Override
    public Seat seat() {
        return seat;
    }

    @Override
    public CompletableFuture<?> join() {
        peer.joinStartNanos = System.nanoTime();
        byte[] material = null;
        SrtpKeys keys = null;
        if (srtp) {
            material = new byte[SrtpKeys.keyingMaterialLength(SRTP_PROFILE)];
            RANDOM.nextBytes(material);
            keys = SrtpKeys.fromKeyingMaterial(SRTP_PROFILE, material, false);
        }
        String join = "JOIN " + seat.room() + (material == null ? "" : " " + HexFormat.of().formatHex(material));
        return UdpRtpTransport.open(runtime, peer.loop(), InetAddress.getLoopbackAddress(), relay, keys, false,
                        peer.receiver(), this::onControl)
                .thenCompose(t -> {
                    transport = t;
                    t.setLossPercent(lossPercent);
                    peer.receiveOn(t);
                    sendJoin(join.getBytes(StandardCharsets.US_ASCII), 0);
                    return joined;
                })
                .thenRun(() -> peer.startPublishing(transport))
                .orTimeout(10, TimeUnit.SECONDS);
    }

    /** The relay answers {@code OK}; until then, ask again every 200 ms (a datagram can be lost). */
    private void sendJoin(byte[] join, int attempt) {
        if (joined.isDone() || attempt > 50) {
            return;
        }
        transport.sendControl(join);
        peer.loop().schedule(() -> sendJoin(join, attempt + 1), 200, TimeUnit.MILLISECONDS);
    }

    private void onControl(UdpRtpTransport t, ByteBuf b) {
        if (b.readableBytes() == 2 && b.getByte(b.readerIndex()) == 'O') {
            joined.complete(null);
        }
    }

    @Override
    public Traffic traffic() {
        UdpRtpTransport t = transport;
        return t == null ? Traffic.NONE : new Traffic(t.datagramsSent(), t.datagramsReceived());
    }

    @Override
    public Snapshot snapshot() {
        return peer.snapshot();
    }

    @Override
    public void close() {
        peer.stop();
        UdpRtpTransport t = transport;
        if (t != null) {
            t.sendControl("LEAVE".getBytes(StandardCharsets.US_ASCII));
            t.close();
        }
    }
}
