package org.javameet.sfu.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * jitsi-srtp's view of one packet: a window {@code [offset, offset + length)} over a byte array
 * that may grow up to {@code limit} (the end of the backing storage), so protect can append
 * the authentication tag in place.
 *
 * <p>Unlike jitsi-utils' {@code ByteArrayBufferImpl}, {@link #grow} never reallocates: the
 * bytes must stay in the caller's buffer. {@link SrtpSession} reserves the trailer room first,
 * so a grow past the limit is a bug and throws. One instance is reused for every packet of a
 * direction, so the hot path allocates nothing.
 */
final class PacketWindow implements ByteArrayBuffer {
    private byte[] array;
    private int offset;
    private int length;
    private int limit;

    PacketWindow set(byte[] array, int offset, int length, int limit) {
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.limit = limit;
        return this;
    }

    /** Drops the reference to the caller's array once a packet is done. */
    void clear() {
        array = null;
    }

    /** The end of the backing storage the packet may grow into. */
    int limit() {
        return limit;
    }

    @Override
    public byte[] getBuffer() {
        return array;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int length) {
        if (length < 0 || offset + length > limit) {
            throw new IllegalArgumentException("length " + length + " outside the window");
        }
        this.length = length;
    }

    @Override
    public void setOffset(int offset) {
        if (offset < 0 || offset + length > limit) {
            throw new IllegalArgumentException("offset " + offset + " outside the window");
        }
        this.offset = offset;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        // Same contract as jitsi-utils: silently ignore an impossible region.
        int start = offset + off;
        if (off < 0 || len <= 0 || start + len > limit || out.length < len) {
            return;
        }
        System.arraycopy(array, start, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (howMuch < 0) {
            throw new IllegalArgumentException("howMuch");
        }
        if (offset + length + howMuch > limit) {
            throw new IllegalStateException("no room for " + howMuch + " more bytes in place");
        }
    }

    @Override
    public void append(byte[] data, int len) {
        if (data == null || len == 0) {
            return;
        }
        grow(len);
        System.arraycopy(data, 0, array, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        if (len > 0) {
            length = Math.max(0, length - len);
        }
    }
}
