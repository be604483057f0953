package org.javameet.sfu.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP/SRTCP for one DTLS-SRTP association (RFC 3711, RFC 7714), on top of jitsi-srtp.
 *
 * <p>{@code protect*} uses the local keys, {@code unprotect*} the remote keys. Crypto contexts are
 * derived per SSRC on first use: RTP contexts by the packet's SSRC, RTCP contexts by the sender
 * SSRC of the first RTCP packet in the compound. Sender contexts start wherever the stream's
 * sequence numbers start (ROC 0, RFC 3711 §3.3.1) and track the rollover counter across
 * sequence wraps for the life of the session; receiver contexts also accept out-of-order
 * packets inside the 64-packet replay window.
 *
 * <h2>Buffers</h2>
 * Every method works in place on {@code buf.readerIndex() .. buf.writerIndex()} and, on
 * {@link SrtpStatus#OK}, moves {@code writerIndex} to the new end (tag appended or removed);
 * {@code readerIndex} never moves. On any other status the indices are untouched but the
 * bytes are unspecified (a failed GCM decrypt may have been applied), so drop the packet.
 * Buffer ownership does not change: the caller still releases {@code buf}.
 * AES-GCM RTP on {@link RtpTransform#FOREIGN_GCM} works at a direct buffer's memory address; a heap,
 * composite or read-only buffer is copied into a per-direction native scratch buffer and back. The other
 * transforms work on a heap buffer's backing array and copy anything else into a per-direction scratch
 * array and back. Neither copy allocates. The forward path's packets are direct: the socket needs them
 * there (docs/performance.md, "A direct copy per consumer").
 * Protect needs {@link #MAX_TRAILER} writable bytes; the caller should reserve them when it
 * allocates the packet. If they are missing the buffer is grown with {@code ensureWritable},
 * which may reallocate.
 *
 * <h2>Threads</h2>
 * The send direction ({@code protectRtp}, {@code protectRtcp}, {@link #removeLocalSsrc}) and
 * the receive direction ({@code unprotectRtp}, {@code unprotectRtcp}, {@link #removeRemoteSsrc})
 * each have their own state: each direction must be used by one thread at a time, the two
 * directions may run concurrently. Nothing here allocates per packet. AES-GCM RTP runs on
 * {@link ForeignGcmRtpContext}s ({@link RtpTransform#FOREIGN_GCM}) where the JVM is opted in, other RTP on
 * {@link RtpContext}s (jitsi-srtp's OpenSSL ciphers with reused parameters, {@link RtpTransform#REUSED_CONTEXTS});
 * neither allocates. jitsi-srtp's own transforms, used for SRTCP and without its OpenSSL binding, allocate
 * 40–100 B per packet (docs/performance.md, "Allocation per packet").
 *
 * <p>Bad packets never throw: every failure is a {@link SrtpStatus}.
 */
public final class SrtpSession implements AutoCloseable {
    /** Tail room protect needs: the longest tag (GCM, 16) plus the SRTCP E-bit/index word (4). */
    public static final int MAX_TRAILER = 16 + 4;

    /**
     * Per-direction cap on SSRCs with a crypto context (RTP and RTCP counted separately). Packets
     * for a new SSRC beyond it fail with {@link SrtpStatus#FAILED}, so a peer cannot make us
     * derive keys without bound.
     */
    public static final int MAX_CONTEXTS = 1024;

    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;
    private static final int SRTCP_INDEX = 4;
    private static final Logger LOG = new LoggerImpl(SrtpSession.class.getName());

    /** What SRTP of RTP packets runs on (SRTCP always runs on jitsi-srtp's transforms). */
    public enum RtpTransform {
        /**
         * AEAD_AES_128_GCM on {@link ForeignGcmRtpContext}s: OpenSSL through the JDK's foreign linker, on the
         * packet's own memory (no copy for a direct buffer), nothing allocated per packet once compiled. An opt-in:
         * the JVM flags {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}, and
         * libcrypto (see {@link ForeignGcmRtpContext} for why it is not the default). A session with
         * AES_CM_128_HMAC_SHA1_80 keys runs on {@link #REUSED_CONTEXTS} (or {@link #JITSI_SRTP}) instead.
         */
        FOREIGN_GCM,
        /**
         * {@link RtpContext}s ({@link GcmRtpContext}, {@link CmRtpContext}): jitsi-srtp's OpenSSL ciphers driven
         * with reused parameter objects, nothing allocated per packet. Needs jitsi-srtp's OpenSSL binding.
         */
        REUSED_CONTEXTS,
        /** jitsi-srtp's {@code SrtpCryptoContext}: new parameter objects, IV and HMAC copies per packet. */
        JITSI_SRTP;

        /**
         * {@link #FOREIGN_GCM} where opted in and working, else {@link #REUSED_CONTEXTS} where jitsi-srtp's OpenSSL
         * binding loads, else {@link #JITSI_SRTP}.
         */
        public static RtpTransform best() {
            return ForeignGcmRtpContext.available() ? FOREIGN_GCM
                    : RtpContext.available() ? REUSED_CONTEXTS : JITSI_SRTP;
        }

        /** What {@link #best()} chose and, for a fallback, why the foreign path is unavailable (start-up log). */
        public static String describeBest() {
            String binding = RtpContext.available() ? "jitsi-srtp's OpenSSL binding with reused contexts"
                    : "jitsi-srtp's own transforms (its OpenSSL binding did not load)";
            return ForeignGcmRtpContext.available()
                    ? "AES-GCM through the foreign linker (" + ForeignGcmRtpContext.library() + "), AES-CM on " + binding
                    : "AES-GCM and AES-CM on " + binding + " (AES-GCM through the foreign linker: "
                            + ForeignGcmRtpContext.unavailableReason() + ")";
        }
    }

    private final SrtpProfile profile;
    private final RtpTransform rtpTransform;
    private final Direction out;
    private final Direction in;

    public SrtpSession(SrtpKeys keys) {
        this(keys, RtpTransform.best());
    }

    /**
     * @param rtpTransform what runs SRTP of RTP packets ({@link RtpTransform#best()} unless comparing)
     * @throws IllegalStateException for {@link RtpTransform#REUSED_CONTEXTS} without jitsi-srtp's OpenSSL binding
     */
    public SrtpSession(SrtpKeys keys, RtpTransform rtpTransform) {
        RtpTransform transform = rtpTransform;
        if (transform == RtpTransform.FOREIGN_GCM) {
            if (!ForeignGcmRtpContext.available()) {
                throw new IllegalStateException("SRTP through the foreign linker is unavailable: "
                        + ForeignGcmRtpContext.unavailableReason());
            }
            if (keys.profile() != SrtpProfile.AEAD_AES_128_GCM) {
                transform = RtpContext.available() ? RtpTransform.REUSED_CONTEXTS : RtpTransform.JITSI_SRTP;
            }
        }
        if (transform == RtpTransform.REUSED_CONTEXTS && !RtpContext.available()) {
            throw new IllegalStateException("reused SRTP contexts need jitsi-srtp's OpenSSL binding");
        }
        this.profile = keys.profile();
        this.rtpTransform = transform;
        this.out = new Direction(true, keys.localKey(), keys.localSalt(), keys.profile(), transform);
        this.in = new Direction(false, keys.remoteKey(), keys.remoteSalt(), keys.profile(), transform);
    }

    /** What RTP packets of this session are protected with. */
    public RtpTransform rtpTransform() {
        return rtpTransform;
    }

    /**
     * Pays jitsi-srtp's one-time start-up cost: on first use of each cipher it loads the
     * OpenSSL binding and benchmarks OpenSSL, SunJCE and BouncyCastle AES to pick the fastest
     * (about a second, more on a busy machine). Call once at server start so that cost never
     * lands on a media event loop. Idempotent and thread-safe.
     */
    public static void warmUp() {
        if (warmedUp) {
            return;
        }
        synchronized (SrtpSession.class) {
            if (warmedUp) {
                return;
            }
            // Left to itself jitsi-srtp races OpenSSL, SunJCE and BouncyCastle at first use and keeps the
            // winner for the life of the process; on a busy machine that race is noise, and the SunJCE
            // AES-CTR path copies every packet. OpenSSL, where its native binding loads, is the steady choice.
            if (org.jitsi.srtp.crypto.JitsiOpenSslProvider.isLoaded()) {
                org.jitsi.srtp.crypto.Aes.setFactoryClassName("OpenSSL");
            }
            for (SrtpProfile p : SrtpProfile.values()) {
                byte[] key = new byte[p.keyLength()];
                byte[] salt = new byte[p.saltLength()];
                SrtpKeys keys = new SrtpKeys(p, key, salt, key, salt);
                try (SrtpSession sender = new SrtpSession(keys); SrtpSession receiver = new SrtpSession(keys)) {
                    byte[] rtp = new byte[12 + 100 + MAX_TRAILER];
                    rtp[0] = (byte) 0x80;
                    byte[] rtcp = new byte[8 + 24 + MAX_TRAILER];
                    rtcp[0] = (byte) 0x80;
                    rtcp[1] = (byte) 201;
                    ByteBuf buf = Unpooled.wrappedBuffer(rtp).writerIndex(112);
                    sender.protectRtp(buf);
                    receiver.unprotectRtp(buf);
                    buf = Unpooled.wrappedBuffer(rtcp).writerIndex(32);
                    sender.protectRtcp(buf);
                    receiver.unprotectRtcp(buf);
                }
            }
            if (ForeignGcmRtpContext.available()) {
                warmUpForeignGcm();
            }
            warmedUp = true;
        }
    }

    private static volatile boolean warmedUp;

    /**
     * At most this many round trips in {@link #warmUpForeignGcm()}; it stops after two batches of
     * {@link #WARM_UP_BATCH} that each took under {@link #COMPILED_ROUND_TRIP_NANOS} per round trip. Measured here:
     * 15–107 us per round trip on the generic path, C2 after ~7,000, then 1.0–1.5 us.
     */
    static final int FOREIGN_WARM_UP_PACKETS = 50_000;
    private static final int WARM_UP_BATCH = 1_000;
    private static final long COMPILED_ROUND_TRIP_NANOS = 5_000;

    /**
     * Until C2 has compiled them, the foreign linker's calls take a generic path that boxes arguments and allocates
     * scratch memory on every call (JFR, 1 x 16 harness: ~30 MB of garbage on the media loop in its first 10 s,
     * none after). Round trips of video- and audio-sized packets here, off the media loops and before the first
     * handshake, get those calls compiled first (~0.2 s at start-up, in the background).
     */
    private static void warmUpForeignGcm() {
        byte[] key = new byte[SrtpProfile.AEAD_AES_128_GCM.keyLength()];
        byte[] salt = new byte[SrtpProfile.AEAD_AES_128_GCM.saltLength()];
        SrtpKeys keys = new SrtpKeys(SrtpProfile.AEAD_AES_128_GCM, key, salt, key, salt);
        // the pool's buffer class, as the media path's packets: a profile of another class would be recompiled
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(1200 + MAX_TRAILER);
        try (SrtpSession sender = new SrtpSession(keys, RtpTransform.FOREIGN_GCM);
             SrtpSession receiver = new SrtpSession(keys, RtpTransform.FOREIGN_GCM)) {
            long batchStart = System.nanoTime();
            int fastBatches = 0;
            for (int i = 0; i < FOREIGN_WARM_UP_PACKETS && fastBatches < 2; i++) {
                buf.clear().writeZero((i & 1) == 0 ? 1200 : 112);
                buf.setByte(0, 0x80);
                buf.setShort(2, i);
                if (sender.protectRtp(buf) != SrtpStatus.OK || receiver.unprotectRtp(buf) != SrtpStatus.OK) {
                    throw new IllegalStateException("the foreign AES-GCM warm-up failed at packet " + i);
                }
                if (i % WARM_UP_BATCH == WARM_UP_BATCH - 1) {
                    long now = System.nanoTime();
                    fastBatches = (now - batchStart) / WARM_UP_BATCH < COMPILED_ROUND_TRIP_NANOS ? fastBatches + 1 : 0;
                    batchStart = now;
                }
            }
        } finally {
            buf.release();
        }
    }

    /**
     * Starts {@link #warmUp()} on a daemon thread and returns at once, so the server can bind and
     * serve pages while jitsi-srtp loads (the first DTLS handshake, seconds later at the earliest,
     * calls {@link #warmUp()} on its handshake thread and waits there for it if it is still running).
     */
    public static void warmUpInBackground() {
        Thread t = new Thread(SrtpSession::warmUp, "srtp-warm-up");
        t.setDaemon(true);
        t.start();
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Encrypts an RTP packet and appends its tag. */
    public SrtpStatus protectRtp(ByteBuf buf) {
        return process(out, buf, false);
    }

    /** Encrypts an RTCP compound packet and appends the E-bit/SRTCP index and tag. */
    public SrtpStatus protectRtcp(ByteBuf buf) {
        return process(out, buf, true);
    }

    /** Verifies, replay-checks and decrypts an SRTP packet; strips the tag. */
    public SrtpStatus unprotectRtp(ByteBuf buf) {
        return process(in, buf, false);
    }

    /** Verifies, replay-checks and decrypts an SRTCP packet; strips the index word and tag. */
    public SrtpStatus unprotectRtcp(ByteBuf buf) {
        return process(in, buf, true);
    }

    /** Forgets the send contexts of a stream that ended (call from the sending thread). */
    public void removeLocalSsrc(int ssrc) {
        out.forgetRtp(ssrc);
        out.rtcp.remove(ssrc);
    }

    /** Forgets the receive contexts of a stream that ended (call from the receiving thread). */
    public void removeRemoteSsrc(int ssrc) {
        in.forgetRtp(ssrc);
        in.rtcp.remove(ssrc);
    }

    /** Number of RTP plus RTCP crypto contexts of one direction (for tests and stats). */
    int contextCount(boolean local) {
        Direction d = local ? out : in;
        return d.rtpContexts() + d.rtcp.size();
    }

    /** Wipes the master keys held by jitsi-srtp. Do not use the session afterwards. */
    @Override
    public void close() {
        out.close();
        in.close();
    }

    private SrtpStatus process(Direction d, ByteBuf buf, boolean rtcp) {
        final int start = buf.readerIndex();
        final int len = buf.readableBytes();
        final int tag = profile.authTagLength();
        final boolean protect = d.sender;

        // RFC 3550 §5.1: the fixed RTP header is 12 bytes, the RTCP SSRC ends at byte 8.
        if (len < (rtcp ? RTCP_HEADER : RTP_HEADER)) {
            return SrtpStatus.TOO_SHORT;
        }
        int headerLength = rtcp ? 0 : rtpHeaderLength(buf, start, len);
        if (!rtcp && headerLength + (protect ? 0 : tag) > len) {
            return SrtpStatus.TOO_SHORT;
        }
        if (!protect && len < (rtcp ? RTCP_HEADER + SRTCP_INDEX + tag : 0)) {
            return SrtpStatus.TOO_SHORT;
        }
        int trailer = protect ? (rtcp ? SRTCP_INDEX + tag : tag) : 0;
        if (protect && buf.writableBytes() < trailer) {
            try {
                buf.ensureWritable(trailer);
            } catch (IndexOutOfBoundsException e) {
                return SrtpStatus.FAILED;
            }
        }
        int ssrc = buf.getInt(start + (rtcp ? 4 : 8));
        if (!rtcp && d.foreignRtp != null) {
            return processForeignRtp(d, buf, start, len, headerLength, trailer, ssrc);
        }

        byte[] array;
        int offset;
        int limit;
        boolean copied = !buf.hasArray();
        if (copied) {
            array = d.scratch(len + trailer);
            buf.getBytes(start, array, 0, len);
            offset = 0;
            limit = array.length;
        } else {
            array = buf.array();
            offset = buf.arrayOffset() + start;
            limit = buf.arrayOffset() + buf.capacity();
        }
        PacketWindow pkt = d.window.set(array, offset, len, limit);
        try {
            SrtpStatus status = rtcp ? processRtcp(d, ssrc, pkt)
                    : d.ownRtp != null ? processOwnRtp(d, ssrc, pkt, headerLength)
                    : processRtp(d, ssrc, pkt);
            if (status == SrtpStatus.OK) {
                int newLength = pkt.getLength();
                if (copied) {
                    buf.setBytes(start, array, 0, newLength);
                }
                buf.writerIndex(start + newLength);
            }
            return status;
        } catch (GeneralSecurityException | RuntimeException e) {
            // jitsi-srtp trusts header fields in places; garbage must never escape as an exception.
            LOG.debug(() -> "SRTP " + (protect ? "protect" : "unprotect") + " failed: " + e);
            return SrtpStatus.FAILED;
        } finally {
            pkt.clear();
        }
    }

    private static SrtpStatus processRtp(Direction d, int ssrc, PacketWindow pkt) throws GeneralSecurityException {
        SrtpCryptoContext ctx = d.rtp.get(ssrc);
        boolean fresh = ctx == null;
        if (fresh) {
            if (d.rtp.size() >= MAX_CONTEXTS) {
                return SrtpStatus.FAILED;
            }
            ctx = d.factory.deriveContext(ssrc, 0);
            d.rtp.put(ssrc, ctx);
        }
        SrtpStatus status = d.sender
                ? map(ctx.transformPacket(pkt))
                : map(ctx.reverseTransformPacket(pkt, false));
        if (fresh && status != SrtpStatus.OK) {
            d.rtp.remove(ssrc); // an unauthenticated packet must not leave state behind
        }
        return status;
    }

    private SrtpStatus processOwnRtp(Direction d, int ssrc, PacketWindow pkt, int headerLength)
            throws GeneralSecurityException {
        RtpContext ctx = d.ownRtp.get(ssrc);
        boolean fresh = ctx == null;
        if (fresh) {
            if (d.ownRtp.size() >= MAX_CONTEXTS) {
                return SrtpStatus.FAILED;
            }
            ctx = RtpContext.derive(profile, ssrc, d.masterKey, d.masterSalt);
            d.ownRtp.put(ssrc, ctx);
        }
        SrtpStatus status = d.sender
                ? ctx.protect(pkt.getBuffer(), pkt.getOffset(), pkt.getLength(), headerLength, pkt.limit())
                : ctx.unprotect(pkt.getBuffer(), pkt.getOffset(), pkt.getLength(), headerLength);
        if (status == SrtpStatus.OK) {
            pkt.setLength(ctx.length());
        } else if (fresh) {
            d.ownRtp.remove(ssrc); // an unauthenticated packet must not leave state behind
        }
        return status;
    }

    /**
     * RTP on {@link ForeignGcmRtpContext}s: in place at the buffer's memory address, or through the direction's
     * native scratch for a heap or read-only buffer (two copies, as the array path makes for a direct one).
     */
    private SrtpStatus processForeignRtp(Direction d, ByteBuf buf, int start, int len, int headerLength,
            int trailer, int ssrc) {
        boolean inPlace = buf.hasMemoryAddress() && !buf.isReadOnly();
        long address;
        int room;
        ByteBuffer scratch = null;
        try {
            if (inPlace) {
                address = buf.memoryAddress() + start;
                room = buf.capacity() - start;
            } else {
                scratch = d.nativeScratch(len + trailer);
                buf.getBytes(start, scratch.clear().limit(len));
                address = d.nativeScratchAddress;
                room = scratch.capacity();
            }
            ForeignGcmRtpContext ctx = d.foreignRtp.get(ssrc);
            boolean fresh = ctx == null;
            if (fresh) {
                if (d.foreignRtp.size() >= MAX_CONTEXTS) {
                    return SrtpStatus.FAILED;
                }
                ctx = ForeignGcmRtpContext.derive(d.sender, ssrc, d.masterKey, d.masterSalt);
                d.foreignRtp.put(ssrc, ctx);
            }
            int seq = buf.getUnsignedShort(start + 2);
            SrtpStatus status = d.sender
                    ? ctx.protect(address, seq, len, headerLength, room)
                    : ctx.unprotect(address, seq, len, headerLength);
            if (status == SrtpStatus.OK) {
                int newLength = ctx.length();
                if (!inPlace) {
                    buf.setBytes(start, scratch.clear().limit(newLength));
                }
                buf.writerIndex(start + newLength);
            } else if (fresh) {
                d.foreignRtp.remove(ssrc).wipe(); // an unauthenticated packet must not leave state behind
            }
            return status;
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.debug(() -> "SRTP " + (d.sender ? "protect" : "unprotect") + " failed: " + e);
            return SrtpStatus.FAILED;
        }
    }

    private static SrtpStatus processRtcp(Direction d, int ssrc, PacketWindow pkt) throws GeneralSecurityException {
        SrtcpCryptoContext ctx = d.rtcp.get(ssrc);
        boolean fresh = ctx == null;
        if (fresh) {
            if (d.rtcp.size() >= MAX_CONTEXTS) {
                return SrtpStatus.FAILED;
            }
            ctx = d.factory.deriveControlContext(ssrc);
            d.rtcp.put(ssrc, ctx);
        }
        SrtpStatus status = d.sender
                ? map(ctx.transformPacket(pkt))
                : map(ctx.reverseTransformPacket(pkt));
        if (fresh && status != SrtpStatus.OK) {
            d.rtcp.remove(ssrc);
        }
        return status;
    }

    /*
     * RFC 3550 §5.1 / §5.3.1, the part of the header SRTP leaves in the clear:
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
     * |                           timestamp                           |
     * |           synchronization source (SSRC) identifier            |
     * |            contributing source (CSRC) identifiers             |  CC words
     * |      defined by profile       |           length              |  if X
     * |                        header extension                       |  length words
     */
    private static int rtpHeaderLength(ByteBuf buf, int start, int len) {
        int b0 = buf.getUnsignedByte(start);
        int headerLength = RTP_HEADER + 4 * (b0 & 0x0f);
        if ((b0 & 0x10) != 0) {
            if (headerLength + 4 > len) {
                return Integer.MAX_VALUE / 2;
            }
            headerLength += 4 + 4 * buf.getUnsignedShort(start + headerLength + 2);
        }
        return headerLength;
    }

    private static SrtpStatus map(SrtpErrorStatus s) {
        switch (s) {
            case OK:
                return SrtpStatus.OK;
            case AUTH_FAIL:
                return SrtpStatus.AUTH_FAILED;
            case REPLAY_FAIL:
            case REPLAY_OLD:
                return SrtpStatus.REPLAY;
            case INVALID_PACKET:
                return SrtpStatus.TOO_SHORT;
            default:
                return SrtpStatus.FAILED;
        }
    }

    static SrtpPolicy policy(SrtpProfile profile, boolean sender) {
        SrtpPolicy policy = switch (profile) {
            case AES_CM_128_HMAC_SHA1_80 -> new SrtpPolicy(
                    SrtpPolicy.AESCM_ENCRYPTION, profile.keyLength(),
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, profile.authTagLength(),
                    profile.saltLength());
            case AEAD_AES_128_GCM -> new SrtpPolicy(
                    SrtpPolicy.AESGCM_ENCRYPTION, profile.keyLength(),
                    SrtpPolicy.NULL_AUTHENTICATION, 0, profile.authTagLength(),
                    profile.saltLength());
        };
        // The send-side replay check is only a self-test in jitsi-srtp; it would reject a
        // packet re-sent with its original sequence number (NACK answered without RTX).
        policy.setSendReplayEnabled(false);
        policy.setReceiveReplayEnabled(true);
        return policy;
    }

    /** State of one direction; touched by one thread at a time. */
    private static final class Direction {
        final boolean sender;
        final SrtpContextFactory factory;
        final IntObjectHashMap<SrtpCryptoContext> rtp = new IntObjectHashMap<>();
        final IntObjectHashMap<SrtcpCryptoContext> rtcp = new IntObjectHashMap<>();
        /** RTP contexts when RTP runs on {@link RtpContext}s (then {@link #rtp} stays empty), else null. */
        final IntObjectHashMap<RtpContext> ownRtp;
        /** RTP contexts when RTP runs on {@link ForeignGcmRtpContext}s (then {@link #rtp} stays empty), else null. */
        final IntObjectHashMap<ForeignGcmRtpContext> foreignRtp;
        /** The master key and salt {@link #ownRtp} or {@link #foreignRtp} contexts are derived from (else null). */
        final byte[] masterKey;
        final byte[] masterSalt;
        final PacketWindow window = new PacketWindow();
        private byte[] scratch = new byte[0];
        private ByteBuffer nativeScratch;
        private long nativeScratchAddress;

        Direction(boolean sender, byte[] key, byte[] salt, SrtpProfile profile, RtpTransform transform) {
            this.sender = sender;
            this.factory = new SrtpContextFactory(sender, key, salt,
                    policy(profile, sender), policy(profile, sender), LOG);
            this.ownRtp = transform == RtpTransform.REUSED_CONTEXTS ? new IntObjectHashMap<>() : null;
            this.foreignRtp = transform == RtpTransform.FOREIGN_GCM ? new IntObjectHashMap<>() : null;
            boolean keepKeys = transform != RtpTransform.JITSI_SRTP;
            this.masterKey = keepKeys ? key.clone() : null;
            this.masterSalt = keepKeys ? salt.clone() : null;
        }

        void forgetRtp(int ssrc) {
            rtp.remove(ssrc);
            if (ownRtp != null) {
                RtpContext ctx = ownRtp.remove(ssrc);
                if (ctx != null) {
                    ctx.wipe();
                }
            }
            if (foreignRtp != null) {
                ForeignGcmRtpContext ctx = foreignRtp.remove(ssrc);
                if (ctx != null) {
                    ctx.wipe();
                }
            }
        }

        int rtpContexts() {
            return rtp.size() + (ownRtp != null ? ownRtp.size() : 0) + (foreignRtp != null ? foreignRtp.size() : 0);
        }

        void close() {
            factory.close();
            if (ownRtp != null) {
                ownRtp.values().forEach(RtpContext::wipe);
            }
            if (foreignRtp != null) {
                foreignRtp.values().forEach(ForeignGcmRtpContext::wipe);
                foreignRtp.clear();
            }
            if (masterKey != null) {
                Arrays.fill(masterKey, (byte) 0);
                Arrays.fill(masterSalt, (byte) 0);
            }
        }

        /** Native memory for a packet that is not in place-able memory (heap, read-only, composite). */
        ByteBuffer nativeScratch(int needed) {
            if (nativeScratch == null || nativeScratch.capacity() < needed) {
                nativeScratch = ByteBuffer.allocateDirect(Math.max(needed, 1500 + MAX_TRAILER));
                nativeScratchAddress = ForeignGcmRtpContext.addressOf(nativeScratch);
            }
            return nativeScratch;
        }

        byte[] scratch(int needed) {
            if (scratch.length < needed) {
                scratch = new byte[Math.max(needed, 1500 + MAX_TRAILER)];
            }
            return scratch;
        }
    }
}
