package org.javameet.sfu.dtls;

/**
 * Where a {@link DtlsEndpoint} writes its datagrams (the transport's UDP socket in the SFU).
 *
 * <p>Called from executor threads and from {@link DtlsEndpoint#close()}. The bytes are only
 * valid during the call: BouncyCastle reuses the array, so copy them (for example into a
 * pooled ByteBuf) before returning. Must not block; a full socket may drop, DTLS retransmits.
 */
@FunctionalInterface
public interface DatagramSender {
    void send(byte[] data, int off, int len);
}
