package org.javameet.sfu.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1),
 * PT=205 FMT=15: which of a run of transport-wide sequence numbers arrived, and when.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 reference time                | fb pkt. count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |         packet chunk          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                                                               .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         packet chunk          |  recv delta   |  recv delta   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                                                               .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           recv delta          |  recv delta   | zero padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Status symbols (§3.1.1): 00 not received, 01 received with a small delta (one unsigned byte), 10 received
 * with a large or negative delta (two bytes, signed), 11 reserved. Chunks (§3.1.3, §3.1.4):
 * <pre>
 *  run length:    |0|S S|       run length (13 bits)         |   one symbol, repeated
 *  status vector: |1|0| fourteen 1-bit symbols (0 lost, 1 small delta) |
 *                 |1|1| seven 2-bit symbols                             |
 * </pre>
 * Deltas count 250 µs; the first is relative to the reference time (24 bits, multiples of 64 ms, in the
 * feedback sender's clock), each next one to the previous received packet. Symbols of the last chunk past
 * the status count are padding and ignored.
 *
 * <p>{@link #parse} allocates (a byte per packet status, an int per delta); the media loop instead {@link #read}s
 * each feedback into one {@link #reusable} instance per subscriber, whose arrays grow to the longest feedback seen
 * and are then reused: nothing allocated per feedback (issue 13).
 */
public final class TransportCcFeedback {
    public static final int NOT_RECEIVED = 0;
    public static final int SMALL_DELTA = 1;
    public static final int LARGE_DELTA = 2;
    /** One receive delta tick. */
    public static final int DELTA_MICROS = 250;
    /** One reference time tick. */
    public static final long REFERENCE_TIME_MICROS = 64_000;
    /** Reference time is a 24-bit field. */
    public static final int REFERENCE_TIME_MODULO = 1 << 24;
    /** Marks a packet that did not arrive in {@link #of}. */
    public static final long LOST = Long.MIN_VALUE;

    private static final int HEADER = 20;
    private static final int MAX_RUN = 0x1FFF;

    private long senderSsrc;
    private long mediaSsrc;
    private int baseSequence;
    private int referenceTime;
    private int feedbackCount;
    /** One status symbol per packet, base sequence first; the first {@link #packetCount} are this feedback's. */
    private byte[] symbols;
    /** One receive delta (250 µs ticks) per received packet, in order; the first {@link #receivedCount}. */
    private int[] deltas;
    private int packetCount;
    private int receivedCount;

    private TransportCcFeedback(long senderSsrc, long mediaSsrc, int baseSequence, int referenceTime,
                                int feedbackCount, byte[] symbols, int[] deltas) {
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.baseSequence = baseSequence;
        this.referenceTime = referenceTime;
        this.feedbackCount = feedbackCount;
        this.symbols = symbols;
        this.deltas = deltas;
        this.packetCount = symbols.length;
        this.receivedCount = deltas.length;
    }

    /** An empty feedback to {@link #read} packets into, again and again. */
    public static TransportCcFeedback reusable() {
        return new TransportCcFeedback(0, 0, 0, 0, 0, new byte[0], new int[0]);
    }

    /**
     * Feedback for packets {@code baseSequence ... baseSequence + arrivalMicros.length - 1} as a receiver writes
     * it: the reference time is the first arrival rounded down to 64 ms, deltas are rounded to 250 µs without
     * accumulating the rounding error (each delta is taken from the previous <em>rounded</em> arrival).
     *
     * @param arrivalMicros arrival time per packet in the receiver's clock (&gt;= 0), or {@link #LOST}
     * @throws IllegalArgumentException if nothing arrived, or a delta does not fit in 16 signed bits
     *                                  (a receiver would start a new feedback packet there)
     */
    public static TransportCcFeedback of(long senderSsrc, long mediaSsrc, int baseSequence, int feedbackCount,
                                         long[] arrivalMicros) {
        if (arrivalMicros.length == 0 || arrivalMicros.length > 0xFFFF) {
            throw new IllegalArgumentException(arrivalMicros.length + " packets");
        }
        long first = -1;
        int received = 0;
        for (long a : arrivalMicros) {
            if (a != LOST) {
                if (a < 0) {
                    throw new IllegalArgumentException("arrival " + a);
                }
                if (first < 0) {
                    first = a;
                }
                received++;
            }
        }
        if (first < 0) {
            throw new IllegalArgumentException("no packet arrived");
        }
        long reference = first / REFERENCE_TIME_MICROS;
        long last = reference * REFERENCE_TIME_MICROS;
        byte[] symbols = new byte[arrivalMicros.length];
        int[] deltas = new int[received];
        int r = 0;
        for (int i = 0; i < arrivalMicros.length; i++) {
            if (arrivalMicros[i] == LOST) {
                continue;
            }
            long ticks = Math.round((arrivalMicros[i] - last) / (double) DELTA_MICROS);
            if (ticks < Short.MIN_VALUE || ticks > Short.MAX_VALUE) {
                throw new IllegalArgumentException("delta of " + ticks + " ticks at packet " + i);
            }
            symbols[i] = (byte) (ticks >= 0 && ticks <= 0xFF ? SMALL_DELTA : LARGE_DELTA);
            deltas[r++] = (int) ticks;
            last += ticks * DELTA_MICROS;
        }
        return new TransportCcFeedback(senderSsrc, mediaSsrc, baseSequence & 0xFFFF,
                (int) (reference % REFERENCE_TIME_MODULO), feedbackCount & 0xFF, symbols, deltas);
    }

    /** Parses the packet at {@code off} of {@code length} bytes (header included), as {@link RtcpCompound#forEach} hands it out. */
    public static TransportCcFeedback parse(ByteBuf buf, int off, int length) throws RtcpException {
        TransportCcFeedback feedback = reusable();
        feedback.read(buf, off, length);
        return feedback;
    }

    /**
     * Parses the packet at {@code off} of {@code length} bytes into this instance, replacing what it held, as
     * {@link #parse} would; allocates only when this feedback describes more packets than any before. After a
     * failed read this instance describes no packet.
     */
    public void read(ByteBuf buf, int off, int length) throws RtcpException {
        packetCount = 0;
        receivedCount = 0;
        int content = Rtcp.checkFeedback(buf, off, length, RtcpHeader.RTPFB, Rtcp.FMT_TRANSPORT_CC);
        if (content < HEADER) {
            throw new RtcpException(RtcpError.TOO_SHORT);
        }
        int end = off + content;
        int count = buf.getUnsignedShort(off + 14);
        if (count == 0) {
            throw new RtcpException(RtcpError.TRANSPORT_CC_EMPTY);
        }
        if (symbols.length < count) {
            symbols = new byte[count];
        }
        int received = 0;
        int n = 0;
        int p = off + HEADER;
        while (n < count) {
            if (p + 2 > end) {
                throw new RtcpException(RtcpError.TRANSPORT_CC_CHUNKS_TRUNCATED);
            }
            int chunk = buf.getUnsignedShort(p);
            p += 2;
            if ((chunk & 0x8000) == 0) { // run length
                int symbol = (chunk >>> 13) & 3;
                if (symbol == 3) {
                    throw new RtcpException(RtcpError.TRANSPORT_CC_RESERVED_SYMBOL);
                }
                int run = Math.min(chunk & MAX_RUN, count - n);
                Arrays.fill(symbols, n, n + run, (byte) symbol);
                n += run;
                if (symbol != NOT_RECEIVED) {
                    received += run;
                }
            } else if ((chunk & 0x4000) == 0) { // fourteen 1-bit symbols, most significant first
                for (int i = 13; i >= 0 && n < count; i--) {
                    int symbol = (chunk >>> i) & 1;
                    symbols[n++] = (byte) symbol;
                    received += symbol;
                }
            } else { // seven 2-bit symbols
                for (int i = 6; i >= 0 && n < count; i--) {
                    int symbol = (chunk >>> (2 * i)) & 3;
                    if (symbol == 3) {
                        throw new RtcpException(RtcpError.TRANSPORT_CC_RESERVED_SYMBOL);
                    }
                    symbols[n++] = (byte) symbol;
                    if (symbol != NOT_RECEIVED) {
                        received++;
                    }
                }
            }
        }
        if (deltas.length < received) {
            deltas = new int[received];
        }
        int r = 0;
        for (int i = 0; i < count; i++) {
            if (symbols[i] == SMALL_DELTA) {
                if (p + 1 > end) {
                    throw new RtcpException(RtcpError.TRANSPORT_CC_DELTAS_TRUNCATED);
                }
                deltas[r++] = buf.getUnsignedByte(p++);
            } else if (symbols[i] == LARGE_DELTA) {
                if (p + 2 > end) {
                    throw new RtcpException(RtcpError.TRANSPORT_CC_DELTAS_TRUNCATED);
                }
                deltas[r++] = buf.getShort(p);
                p += 2;
            }
        }
        senderSsrc = buf.getUnsignedInt(off + 4);
        mediaSsrc = buf.getUnsignedInt(off + 8);
        baseSequence = buf.getUnsignedShort(off + 12);
        referenceTime = buf.getUnsignedMedium(off + 16);
        feedbackCount = buf.getUnsignedByte(off + 19);
        packetCount = count;
        receivedCount = received;
    }

    public long senderSsrc() { return senderSsrc; }
    public long mediaSsrc() { return mediaSsrc; }
    /** The transport-wide sequence number of the first packet described. */
    public int baseSequence() { return baseSequence; }
    /** How many packets (received or not) the feedback describes. */
    public int packetCount() { return packetCount; }
    /** The 24-bit reference time, in 64 ms ticks of the receiver's clock. */
    public int referenceTime() { return referenceTime; }
    /** The feedback packet count: increments by one per feedback packet the receiver sent, mod 256. */
    public int feedbackCount() { return feedbackCount; }

    /** The sequence number of the i-th packet described, 16 bits, wrapping. */
    public int sequenceNumber(int i) {
        return (baseSequence + i) & 0xFFFF;
    }

    /** {@link #NOT_RECEIVED}, {@link #SMALL_DELTA} or {@link #LARGE_DELTA}. */
    public int symbol(int i) {
        return symbols[Objects.checkIndex(i, packetCount)];
    }

    public boolean received(int i) {
        return symbols[Objects.checkIndex(i, packetCount)] != NOT_RECEIVED;
    }

    /** How many of the packets arrived (have a receive delta). */
    public int receivedCount() {
        return receivedCount;
    }

    /** The r-th receive delta in 250 µs ticks, r counting received packets only. */
    public int delta(int r) {
        return deltas[Objects.checkIndex(r, receivedCount)];
    }

    /**
     * Writes each packet's arrival time, in µs of the receiver's clock counted from this feedback's
     * reference time, into {@code out} ({@link #LOST} for packets that did not arrive).
     *
     * @param out at least {@link #packetCount()} long
     */
    public void arrivalOffsetsMicros(long[] out) {
        long t = 0;
        int r = 0;
        for (int i = 0; i < packetCount; i++) {
            if (symbols[i] == NOT_RECEIVED) {
                out[i] = LOST;
            } else {
                t += (long) deltas[r++] * DELTA_MICROS;
                out[i] = t;
            }
        }
    }

    /**
     * How far {@code next}'s reference time lies after {@code previous}'s, in 64 ms ticks, across the 24-bit
     * wrap: the shorter way round, so a reference time a little before the previous one is negative.
     */
    public static int referenceTimeDelta(int previous, int next) {
        int d = (next - previous) & (REFERENCE_TIME_MODULO - 1);
        return d >= REFERENCE_TIME_MODULO / 2 ? d - REFERENCE_TIME_MODULO : d;
    }

    public int marshalSize() {
        int size = HEADER + 2 * chunkCount();
        for (int i = 0; i < packetCount; i++) {
            size += symbols[i];
        }
        return (size + 3) & ~3;
    }

    /** Writes the packet at dst's writerIndex; padding (when needed) with the P bit, as RFC 3550 §6.4.1 has it. */
    public void marshalTo(ByteBuf dst) {
        int size = marshalSize();
        int begin = dst.writerIndex();
        RtcpHeader.write(dst, Rtcp.FMT_TRANSPORT_CC, RtcpHeader.RTPFB, size);
        dst.writeInt((int) senderSsrc);
        dst.writeInt((int) mediaSsrc);
        dst.writeShort(baseSequence);
        dst.writeShort(packetCount);
        dst.writeMedium(referenceTime);
        dst.writeByte(feedbackCount);
        int n = 0;
        while (n < packetCount) {
            n += writeChunk(dst, n);
        }
        for (int i = 0, r = 0; i < packetCount; i++) {
            if (symbols[i] == SMALL_DELTA) {
                dst.writeByte(deltas[r++]);
            } else if (symbols[i] == LARGE_DELTA) {
                dst.writeShort(deltas[r++]);
            }
        }
        int pad = size - (dst.writerIndex() - begin);
        if (pad > 0) {
            dst.writeZero(pad - 1);
            dst.writeByte(pad);
            dst.setByte(begin, dst.getByte(begin) | 0x20);
        }
    }

    private int chunkCount() {
        int chunks = 0;
        int n = 0;
        while (n < packetCount) {
            int kind = chunkLength(n);
            n += kind < 0 ? -kind : Math.min(kind, packetCount - n);
            chunks++;
        }
        return chunks;
    }

    /**
     * The chunk that starts at symbol {@code n}: a run-length chunk of k symbols as -k, else 14 (a 1-bit vector,
     * when no large delta is among the next 14) or 7 (a 2-bit vector).
     */
    private int chunkLength(int n) {
        int run = runAt(n);
        int left = packetCount - n;
        // a run of 14 or more, or the rest in one run, is never longer as a run-length chunk
        if (run >= 14 || run == left) {
            return -run;
        }
        int window = Math.min(14, left);
        for (int i = n; i < n + window; i++) {
            if (symbols[i] == LARGE_DELTA) {
                return 7;
            }
        }
        return 14;
    }

    private int runAt(int n) {
        int run = 1;
        while (n + run < packetCount && symbols[n + run] == symbols[n] && run < MAX_RUN) {
            run++;
        }
        return run;
    }

    /** @return how many symbols the chunk covered */
    private int writeChunk(ByteBuf dst, int n) {
        int kind = chunkLength(n);
        if (kind < 0) {
            int run = -kind;
            dst.writeShort(symbols[n] << 13 | run);
            return run;
        }
        int covered = Math.min(kind, packetCount - n);
        int chunk;
        if (kind == 14) {
            chunk = 0x8000;
            for (int i = 0; i < covered; i++) {
                chunk |= symbols[n + i] << (13 - i);
            }
        } else {
            chunk = 0xC000;
            for (int i = 0; i < covered; i++) {
                chunk |= symbols[n + i] << (2 * (6 - i));
            }
        }
        dst.writeShort(chunk);
        return covered;
    }
}
