package org.javameet.sfu.rtcp;

/** Receives each packet of a compound; offset is an absolute buffer index, length includes header and padding. */
@FunctionalInterface
public interface RtcpVisitor {
    void visit(int packetType, int countOrFmt, int offset, int lengthBytes);
}
