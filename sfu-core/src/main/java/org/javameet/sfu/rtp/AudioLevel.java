package org.javameet.sfu.rtp;

import io.netty.buffer.ByteBuf;

/**
 * The client-to-mixer audio level header extension (RFC 6464), read in place: no allocation per packet.
 *
 * <pre>
 *  RFC 6464 §3, one-byte form (RFC 8285):
 *   0                   1
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  ID   | len=0 |V| level       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * V is the sender's voice activity flag; level is the audio level in -dBov, 0 (loudest) to 127 (silence or
 * muted). The two-byte form carries the same one data byte.
 */
public final class AudioLevel {
    /** The quietest level: digital silence, or a muted track. */
    public static final int SILENT = 127;
    /** What {@link #read} returns for a packet without the element. */
    public static final int ABSENT = -1;
    /** What {@link #read} returns for an element whose length is not one byte: a sender bug, counted by the caller. */
    public static final int MALFORMED = -2;

    private AudioLevel() {
    }

    /**
     * The element's data byte (V flag and level) of extension {@code id}, or {@link #ABSENT} / {@link #MALFORMED}.
     * The packet must have passed {@link RtpHeader#check}.
     */
    public static int read(ByteBuf rtp, int id) {
        long location = HeaderExtensions.find(rtp, id);
        if (location < 0) {
            return ABSENT;
        }
        if (HeaderExtensions.lengthOf(location) != 1) {
            return MALFORMED;
        }
        return rtp.getUnsignedByte(rtp.readerIndex() + HeaderExtensions.offsetOf(location));
    }

    /** The level in -dBov (0..127) of a data byte from {@link #read}. */
    public static int level(int data) {
        return data & 0x7F;
    }

    /** The sender's voice activity flag of a data byte from {@link #read}. */
    public static boolean voice(int data) {
        return (data & 0x80) != 0;
    }
}
